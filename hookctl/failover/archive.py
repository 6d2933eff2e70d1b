"""Where ``replay --archive-to`` may put delivered objects: a plain prefix that neither
hides the backlog nor gets listed again as part of it."""

from __future__ import annotations

from hookctl.base.errors import UsageError


def archive_prefix(archive_to: str) -> str:
    """``--archive-to`` as a plain object-name prefix (``/a/b/`` -> ``a/b``): never empty,
    no ``.``/``..`` or empty segment, nothing GCS could not name. Spaces at its ends go,
    as ``--path`` drops them: ``--archive-to ' arc'`` archived under a literal `` arc/``
    that ``--path ' arc'`` (read as ``arc``) then never listed."""
    from hookctl.failover.layout import name_problem, printable

    prefix = archive_to.strip(" ").strip("/")  # a newline or tab stays, and is refused
    if not prefix:
        raise UsageError("--archive-to needs a prefix", "e.g. --archive-to stream/replayed")
    from hookctl.base.validate import invisible_problem

    problem = name_problem(prefix) or invisible_problem(prefix)
    if problem is not None:
        raise UsageError(
            f"--archive-to {printable(archive_to)[:200]!r} is not an object-name prefix: "
            + problem.removeprefix("name ").replace("name", "prefix"),
            "give a plain prefix inside the bucket, e.g. --archive-to stream/replayed",
        )
    return prefix


def overlap_problem(archive: str, path: str) -> str | None:
    """Why archiving under ``archive`` would hide or re-list the backlog under ``path``
    (both plain prefixes), or None. The bucket root as the failover path holds every
    prefix; listing then leaves the archive out by name (ReplayJob's exclude)."""
    if not path:
        return None
    if archive == path:
        return "is the failover path itself"
    if path.startswith(archive + "/"):
        return f"contains the failover path {path!r} (the backlog would read as archived)"
    if archive.startswith(path + "/"):
        return f"lies inside the failover path {path!r} (a --scan would replay the archive)"
    return None
