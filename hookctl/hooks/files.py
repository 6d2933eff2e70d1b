"""Hooks as code, the file side: export the app's hooks to TOML, read a file back.

The file holds one ``[[hook]]`` table per hook with the API's field names, an
``id`` to match live hooks and an optional local ``name``. Secrets are never
written: export puts references in their place (``env:VAR`` or ``file:PATH``,
relative to the file) and apply resolves them. ``load`` parses, types and checks a
file (errors name its line) and resolves those references; matching the result to
the live hooks is ``hookctl.hooks.plan``. A hook that leaves ``enabled`` out is
enabled (as ``hooks add`` makes it). Pure functions, no I/O besides reading the
file and the referenced secrets.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.base.errors import UsageError, ValidationFailed
from hookctl.base.stdio import MAX_CONFIG_FILE, MAX_SECRET_FILE
from hookctl.hooks import array as H
from hookctl.hooks import url_password

Hook = dict[str, Any]
SECRET_PATHS: tuple[tuple[str, ...], ...] = (
    ("sqs_secret",),
    ("sns_secret",),
    ("failover_config", "gcs_credentials"),
    ("failover_config", "s3_secret"),
    ("failover_config", "s3_api_key"),
    ("webhook_url_password",),  # a webhook_url's userinfo password (see url_password)
)
HEADER = (
    "# Stream event hooks, exported by hookctl. Apply with `hookctl hooks apply FILE`.\n"
    "# Secrets are references: env:VAR (an environment variable) or file:PATH (relative\n"
    "# to this file). hooks without an id are matched by type and target, or created.\n\n"
)
_HOOK_HEADER = re.compile(r"^\s*\[\[\s*hook\s*\]\]")


def get_at(hook: Hook, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (e.g. ``("failover_config", "s3_secret")``), or None."""
    value: Any = hook
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def set_at(hook: Hook, path: tuple[str, ...], value: Any) -> None:
    target: Any = hook
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def env_name(hook_id: str, path: tuple[str, ...]) -> str:
    short = re.sub(r"[^A-Za-z0-9]", "_", hook_id.split("-")[0][:8]).upper()
    return f"{path[-1].upper()}_{short}"


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def exportable(hook: Hook) -> Hook:
    """One hook as it goes in the file: stable key order, no server fields, no secrets."""
    clean = _drop_none(H.comparable(copy.deepcopy(hook)))
    url_password.split(clean)
    for path in SECRET_PATHS:
        if get_at(clean, path):
            set_at(clean, path, f"env:{env_name(str(hook.get('id', 'new')), path)}")
    first = [k for k in ("id", "name", "hook_type", "enabled") if k in clean]
    ordered = {k: clean[k] for k in first}
    ordered.update({k: _sorted(clean[k]) for k in sorted(clean) if k not in first})
    return ordered


def _sorted(value: Any) -> Any:
    return {k: _sorted(value[k]) for k in sorted(value)} if isinstance(value, dict) else value


def to_toml(hooks: list[Hook]) -> str:
    import tomli_w

    return HEADER + tomli_w.dumps({"hook": [exportable(h) for h in hooks]})


FORMATS = ("toml", "json")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not toml or json", "pick one")
    return fmt


def render(hooks: list[Hook], fmt: str) -> str:
    """The text ``hooks export`` prints: TOML (the default) or the same table as JSON."""
    if check_format(fmt) == "toml":
        return to_toml(hooks)
    return json.dumps({"hook": [exportable(h) for h in hooks]}, indent=2) + "\n"


def secret_refs(hooks: list[Hook]) -> list[str]:
    """The env vars an exported file refers to (for the user to set)."""
    return [
        env_name(str(h.get("id", "new")), path)
        for h in hooks
        for path in SECRET_PATHS
        if get_at(url_password.split(dict(h)), path)
    ]


@dataclass
class FileHook:
    number: int  # 1-based position in the file
    line: int  # line of its [[hook]] header
    name: str | None
    data: Hook
    field_lines: dict[str, int] = field(default_factory=dict)
    # secrets whose env: variable is unset or empty (diff/--check without secrets):
    # path -> "VAR unset" / "VAR empty"
    unset: dict[tuple[str, ...], str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # secret field -> env:VAR / file:PATH

    def where(self, path: Path, key: str | None = None) -> str:
        line = self.field_lines.get(key or "", self.line)
        label = f" ({self.name})" if self.name else ""
        return f"{path}:{line}: hook {self.number}{label}"


UNSET = url_password.UNSET  # stands in for a secret whose variable is unset


def _parse(path: Path, text: str) -> dict[str, Any]:
    """TOML, or the JSON ``hooks export --format json`` writes (a ``.json`` name, or text
    that starts with ``{``)."""
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise ValidationFailed(
                f"{path}: not valid JSON: {exc}", "fix the syntax; nothing was changed"
            ) from None
        if not isinstance(doc, dict):
            raise ValidationFailed(
                f"{path}: a JSON hook file is an object with a `hook` list",
                'write {"hook": [...]}, as hooks export --format json does',
            )
        return doc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(
            f"{path}: not valid TOML: {exc}", "fix the syntax; nothing was changed"
        ) from None


def load(
    path: Path,
    *,
    allow_inline_secrets: bool = False,
    env: dict[str, str] | None = None,
    require_secrets: bool = True,
) -> list[FileHook]:
    """Read, check and resolve a hook file; ValidationFailed (exit 2) names the line.

    With ``require_secrets=False`` (``hooks diff``, ``apply --check`` in a pull request
    without production secrets) an unset ``env:`` variable is recorded in
    ``FileHook.unset`` and that secret is not compared; everything else still is."""
    env = dict(os.environ) if env is None else env
    text = _read_text(path, MAX_CONFIG_FILE, str(path))
    doc = _parse(path, text)
    if "hook" not in doc and not doc:
        # `apply --prune` of an empty file would delete every live hook: only on purpose
        raise ValidationFailed(
            f"{path} holds no hooks (it is empty or only comments)",
            "a file that means 'no hooks' says so: write `hook = []` in it",
        )
    unknown = sorted(set(doc) - {"hook"})
    if unknown:
        raise ValidationFailed(
            f"{path}: unknown top-level {'key' if len(unknown) == 1 else 'keys'} {', '.join(unknown)}",
            "a hook file holds only [[hook]] tables",
        )
    tables = doc.get("hook", [])
    if not isinstance(tables, list):
        raise ValidationFailed(
            f"{path}: `hook` must be an array of tables", "write [[hook]] headers"
        )
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if _HOOK_HEADER.match(line)]
    out = []
    for number, table in enumerate(tables, 1):
        start = headers[number - 1] if number <= len(headers) else 1
        end = headers[number] if number < len(headers) else len(lines) + 1
        field_lines: dict[str, int] = {}
        for i in range(start, end):
            match = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", lines[i - 1])
            if match:
                field_lines.setdefault(match[1], i)
        if not isinstance(table, dict):
            raise ValidationFailed(
                f"{path}: hook {number} is not a table",
                "each hook is a [[hook]] table (a JSON object)",
            )
        data = dict(table)
        name = data.pop("name", None)
        hook = FileHook(number, start, str(name) if name is not None else None, data, field_lines)
        _resolve_secrets(hook, path, env, allow_inline_secrets, require_secrets)
        url_password.join(
            hook.data,
            hook.where(path, "webhook_url"),
            allow_inline_secrets,
            hook.refs.get(url_password.FIELD),
        )
        out.append(hook)
    check(out, path)
    for hook in out:
        # left out means on, as `hooks add` makes it; never left to the server, which
        # may store an absent bool as false (a Go zero value): apply, diff and --check
        # then agree on what the file asks for
        hook.data.setdefault("enabled", True)
    return out


def _resolve_secrets(
    hook: FileHook, path: Path, env: dict[str, str], allow_inline: bool, required: bool = True
) -> None:
    from hookctl.base.redact import remember

    for secret in SECRET_PATHS:
        value = get_at(hook.data, secret)
        if value is None:
            continue
        where = hook.where(path, secret[-1])
        label = ".".join(secret)
        if not isinstance(value, str):
            raise ValidationFailed(f"{where}: {label} must be a string", "use env:VAR or file:PATH")
        if value.startswith("env:"):
            var = value[4:]
            if _own_credential(var):
                raise ValidationFailed(
                    f"{where}: {label} refers to ${var}, one of hookctl's or Stream's own "
                    "credential variables",
                    "use a variable of its own (e.g. env:SQS_SECRET); a hook file may not copy "
                    "the API secret into a hook",
                )
            state = "empty" if env.get(var) == "" else "unset"
            if not env.get(var) and not required:
                hook.unset[secret] = f"{var} {state}"
                set_at(hook.data, secret, UNSET)
                continue
            if not env.get(var):
                raise ValidationFailed(
                    f"{where}: {label} refers to ${var}, which is "
                    f"{'empty' if state == 'empty' else 'not set'}",
                    f"export {var}=... before applying (the value never goes in the file)",
                )
            remember(env[var])
            set_at(hook.data, secret, env[var])
            hook.refs[secret[-1]] = value
        elif value.startswith("file:"):
            target = _confined(path, value[5:], f"{where}: {label}")
            text = _read_text(target, MAX_SECRET_FILE, f"{where}: {label} refers to {target}")
            text = text.strip()
            remember(text)
            set_at(hook.data, secret, text)
            hook.refs[secret[-1]] = value
        elif allow_inline:
            remember(value)
            hook.refs[secret[-1]] = "an inline value"
        else:
            raise ValidationFailed(
                f"{where}: {label} holds a literal secret",
                "use env:VAR or file:PATH so the secret stays out of git "
                "(or pass --allow-inline-secrets)",
            )


OWN_CREDENTIALS = ("GOOGLE_APPLICATION_CREDENTIALS",)


def _own_credential(var: str) -> bool:
    """hookctl's and Stream's own credential variables may not feed a hook's secret."""
    upper = var.upper()
    return upper.startswith(("STREAM_", "HOOKCTL_")) or upper in OWN_CREDENTIALS


def _confined(path: Path, ref: str, where: str) -> Path:
    """``file:`` paths are relative to the hook file's directory and stay inside it
    (symlinks resolved first)."""
    base = path.parent.resolve()
    if not ref or Path(ref).is_absolute() or ref.startswith("~"):
        raise ValidationFailed(
            f"{where}: file:{ref} must be a path relative to the hook file's directory",
            f"put the secret file next to the hook file (in {base}), e.g. file:secrets/sqs",
        )
    target = (base / ref).resolve()
    if not target.is_relative_to(base):
        raise ValidationFailed(
            f"{where}: file:{ref} leaves the hook file's directory ({base})",
            "secret files must live in the hook file's directory or below it "
            "(symlinks that point outside are refused too)",
        )
    return target


def check(file_hooks: list[FileHook], path: Path) -> None:
    from hookctl.events.catalog import duplicates, resolve
    from hookctl.hooks.typos import misspelt
    from hookctl.stream.models import array_errors, hook_errors

    for hook in file_hooks:
        for key in hook.data:
            meant = misspelt(key)  # carried to Stream, ignored there: the field is lost
            if meant:
                raise ValidationFailed(
                    f"{hook.where(path, key)}: unknown field {key!r}: did you mean {meant!r}?",
                    f"spell it {meant}; nothing was changed",
                )
        errors = hook_errors(hook.data)  # types first: `enabled = "yes"` is an error
        if errors:
            key, why = errors[0]
            from hookctl.base.validate import url_hint

            raise ValidationFailed(
                f"{hook.where(path, key.split('.')[0])}: {key}: {why}",
                url_hint(why, "fix the file; nothing was changed"),
            )
        names = hook.data.get("event_types") or []
        twice = duplicates([str(n) for n in names])
        if twice:
            raise ValidationFailed(
                f"{hook.where(path, 'event_types')}: event_types names "
                f"{', '.join(twice)} more than once",
                "give each event type once; nothing was changed",
            )
        if names:
            try:
                resolve([str(n) for n in names])
            except UsageError as exc:  # an unknown type, with a suggestion
                raise ValidationFailed(
                    f"{hook.where(path, 'event_types')}: {exc.message}",
                    "fix the event type; nothing was changed",
                ) from None
    problems = array_errors([h.data for h in file_hooks])
    if problems:
        raise ValidationFailed(f"{path}: {problems[0]}", "fix the file; nothing was changed")


def _read_text(path: Path, limit: int, what: str) -> str:
    """A regular file of at most ``limit`` bytes as UTF-8 text; ValidationFailed (exit 2)
    naming ``what`` for anything else (a FIFO, a device, an oversize or binary file)."""
    from hookctl.base.stdio import read_capped, size_text

    try:
        raw = read_capped(path, limit)
        if raw is None:
            raise ValidationFailed(f"{what}: larger than {size_text(limit)}", "check the path")
        return raw.decode("utf-8")
    except OSError as exc:
        raise ValidationFailed(f"cannot read {what}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise ValidationFailed(f"{what}: not UTF-8 text", "check the path") from None
