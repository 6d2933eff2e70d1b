"""AppContext: built once by the root callback, stored in ``ctx.obj``.

Settings and API clients are created lazily, on first use, so ``--help`` and
commands that never talk to Stream do not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from hookctl.cli.output import Console

if TYPE_CHECKING:
    from hookctl.config.settings import Settings
    from hookctl.events.live import Choice
    from hookctl.hooks.array import Hook
    from hookctl.hooks.writer import SafeWriter
    from hookctl.stream.client import StreamClient


@dataclass
class AppContext:
    console: Console
    api_key: str | None = None
    base_url: str | None = None
    profile: str | None = None
    flag_timeout: float | None = None
    verbose: bool = False
    debug: bool = False
    force_v2: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _client: StreamClient | None = field(default=None, repr=False)
    _seen_hooks: list[Hook] | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """Every setting with its source (reads the config file once, on first use)."""
        if self._settings is None:
            from hookctl.config.settings import resolve

            self._settings = resolve(
                flag_api_key=self.api_key,
                flag_base_url=self.base_url,
                flag_profile=self.profile,
                flag_timeout=self.flag_timeout,
            )
            exposed = self._settings.exposed_secret()
            if exposed:
                self.console.warn(exposed)
        return self._settings

    @property
    def timeout(self) -> float:
        """The budget of each network call (``--timeout``, ``HOOKCTL_TIMEOUT``, 10 s);
        resolved without the config file, so commands that need no profile never read it."""
        if self._settings is not None:
            return self._settings.timeout
        from hookctl.config.settings import timeout_setting

        return timeout_setting(self.flag_timeout)[0]

    def client(self) -> StreamClient:
        if self._client is None:
            from hookctl.config.clients import stream_client

            log = (lambda line: self.console.say(f"[http] {line}")) if self.verbose else None
            self._client = stream_client(
                self.settings(), timeout=self.timeout, log=log, on_hooks=self._remember
            )
        return self._client

    def live_hook(self, hook_id: str) -> Hook:
        """One hook as Stream has it now (an id prefix is enough)."""
        from hookctl.hooks.array import get

        return get(self.client().get_hooks(), hook_id)

    def catalog(self, *, live: bool = False, refresh: bool = False) -> Choice:
        """The event catalog to use and a note saying which (see ``clients.event_catalog``)."""
        from hookctl.config.clients import event_catalog

        fetch = self.client().get_hook_events if live else None
        return event_catalog(self.settings().base_url, fetch, refresh=refresh)

    def writer(self) -> SafeWriter:
        from hookctl.config.clients import safe_writer

        return safe_writer(
            self.client(),
            self.settings(),
            timeout=self.timeout,
            force_v2=self.force_v2,
            on_note=self.console.say,
        )

    def _remember(self, hooks: list[Hook]) -> None:
        self._seen_hooks = hooks  # the last array read; cached once, on close

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._seen_hooks is not None:
            from hookctl.hooks.idcache import remember_hooks

            remember_hooks(self._seen_hooks)
            self._seen_hooks = None


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # a sub-app invoked on its own (tests)
        obj = AppContext(Console.from_environment())
        ctx.find_root().obj = obj
    return obj
