"""The sandbox's routes: what each request gets, as Stream would answer it.

Both path styles are served (``/app`` and ``/api/v2/app``); auth (a server-side
JWT for the app's ``api_key``), error bodies and the lowercase rate-limit headers
follow ``shared/stream-api.md`` so the official SDKs work against it unmodified.
Sandbox-only endpoints (health, faults, tokens, keys, emit, jobs) live under
``/_sandbox/``, outside Stream's paths. The state the handlers share (apps,
faults, the rate-limit window, jobs) is ``sandbox.shared``.
"""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from hookctl.sandbox.jobs import result
from hookctl.sandbox.state import RejectedUpdate
from hookctl.sandbox.tokens import TokenRefused
from hookctl.stream.models import check_arn, check_sqs_url
from hookctl.webhooks.signing import TokenError, decode_jwt

if TYPE_CHECKING:
    from hookctl.sandbox.shared import Fault, SharedState

MARKER = "hookctl"  # /_sandbox/health says {"sandbox": "hookctl"}: no Stream host does
MORE_INFO = "https://getstream.io/chat/docs/api_errors_response"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SharedState
    server_version = "hookctl-sandbox"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (the base's signature)
        if self.server.log:
            self.server.log(
                f"{self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}"
            )

    # ------------------------------------------------------------ plumbing

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in {**self.server.rate_limit_headers(), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(
        self,
        status: int,
        code: int,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "code": code,
            "message": message,
            "StatusCode": status,
            "duration": "0.00ms",
            "more_info": MORE_INFO,
            "details": [],
            # Stream marks errors a retry cannot fix (the SDKs read it); 408/429/5xx can pass.
            "unrecoverable": status < 500 and status not in (408, 429),
        }
        if fields:
            body["exception_fields"] = fields
        self._send(status, body, headers)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        return json.loads(raw)

    def _route(self) -> str:
        path = urlsplit(self.path).path.rstrip("/")
        return path.removeprefix("/api/v2")

    def _authenticate(self) -> str | None:
        """The app's API key if the request is a valid server-side call; else answers 401."""
        query = parse_qs(urlsplit(self.path).query)
        api_key = (query.get("api_key") or [""])[0]
        if not api_key:
            self._error(401, 2, "api_key not found")
            return None
        app = self.server.state.apps.get(api_key)
        if app is None:
            self._error(401, 2, f"api_key not valid: {api_key!r} is not a known app key")
            return None
        token = self.headers.get("Authorization", "")
        auth_type = self.headers.get("stream-auth-type", "jwt")
        if not token or auth_type.lower() != "jwt":
            self._error(401, 5, "Authorization header is missing or stream-auth-type is not jwt")
            return None
        try:
            claims = decode_jwt(token.strip(), app.api_secret)
        except TokenError as exc:
            self._error(401, exc.code, exc.message)
            return None
        if "user_id" in claims:
            self._error(403, 17, "this endpoint requires a server-side token, not a user token")
            return None
        return api_key

    def _take_fault(self) -> Fault | None:
        api_key = (parse_qs(urlsplit(self.path).query).get("api_key") or [""])[0]
        return self.server.take_fault(self.command, api_key)

    def _dispatch(self) -> None:
        route = self._route()
        if route.startswith("/_sandbox"):
            self._sandbox(route)
            return
        fault = self._take_fault()
        if fault is not None:
            self._body()
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            code = {429: 9, 408: 23, 403: 17}.get(fault.status, -1)
            self._error(fault.status, code, f"injected fault {fault.status}", headers=headers)
            return
        api_key = self._authenticate()
        if api_key is None:
            return
        try:
            body = self._body() if self.command in ("POST", "PATCH", "PUT") else {}
        except json.JSONDecodeError:
            self._error(400, 4, "request body is not valid JSON")
            return
        state = self.server.state
        if route == "/app" and self.command == "GET":
            self._send(200, {"app": state.app_json(api_key), "duration": "0.10ms"})
        elif route == "/app" and self.command in ("PATCH", "POST"):
            if not isinstance(body, dict):
                self._error(400, 4, "UpdateApp failed with error: body must be an object")
                return
            try:
                state.update(api_key, body)
            except RejectedUpdate as exc:
                self._error(400, 4, exc.message, exc.fields)
                return
            self._send(201, {"duration": "0.20ms"})
        elif route == "/hook/events" and self.command == "GET":
            self._send(200, {"events": _hook_events(self.path), "duration": "0.05ms"})
        elif route in ("/check_sqs", "/check_sns") and self.command == "POST":
            self._send(201, self._check(route, body))
        else:
            self._error(404, 16, f"{self.command} {route} does not exist in the sandbox")

    @staticmethod
    def _check(route: str, body: Any) -> dict[str, Any]:
        """check_sqs / check_sns: the format of the target and the keys; AWS is not contacted."""
        body = body if isinstance(body, dict) else {}
        kind = "sqs" if route == "/check_sqs" else "sns"
        target = body.get("sqs_url") if kind == "sqs" else body.get("sns_topic_arn")
        try:
            if not isinstance(target, str):
                raise ValueError(f"{target!r} is missing or not a string")
            if kind == "sqs":
                check_sqs_url(target)
            else:
                check_arn(target, "sns")
        except ValueError as exc:
            what = "SQS queue url" if kind == "sqs" else "SNS topic ARN"
            return {"status": "error", "error": f"invalid {what}: {exc}", "duration": "0.05ms"}
        if not body.get(f"{kind}_key") or not body.get(f"{kind}_secret"):
            error = f"{kind.upper()} key and secret are required"
            return {"status": "error", "error": error, "duration": "0.05ms"}
        note = "sandbox: format checked, AWS not contacted"
        return {"status": "ok", "duration": "0.05ms", "data": {"note": note}}

    def _sandbox(self, route: str) -> None:
        if route == "/_sandbox/health":
            self._send(
                200,
                {
                    "ok": True,
                    "sandbox": MARKER,  # what emit/keygen check before sending credentials
                    "pid": os.getpid(),
                    "apps": len(self.server.state.apps),
                    "gcs_endpoint": self.server.gcs_endpoint,
                },
            )
        elif route == "/_sandbox/faults" and self.command == "POST":
            self.server.add_fault(self._body())
            self._send(200, {"ok": True})
        elif route == "/_sandbox/faults" and self.command == "DELETE":
            only = parse_qs(urlsplit(self.path).query).get("api_key")
            dropped = self.server.drop_faults(only[0] if only else None)
            self._send(200, {"ok": True, "dropped": dropped})
        elif route == "/_sandbox/token" and self.command == "POST":
            self._token()
        elif route == "/_sandbox/keys" and self.command == "POST":
            if (api_key := self._authenticate()) is not None:
                body = self._body()
                self.server.keyring.register(
                    str(body["private_key_id"]), str(body["client_email"]), str(body["public_key"])
                )
                self._send(200, {"ok": True, "app": api_key})
        elif route == "/_sandbox/emit" and self.command == "POST":
            if (api_key := self._authenticate()) is not None:
                self._emit(api_key, self._body())
        elif route.startswith("/_sandbox/jobs/") and self.command in ("GET", "DELETE"):
            self._job(route.removeprefix("/_sandbox/jobs/"))
        else:
            self._error(404, 16, f"{self.command} {route} does not exist in the sandbox")

    def _job(self, job_id: str) -> None:
        """An emit job's progress (GET), or stop it after its current chunk (DELETE)."""
        if (api_key := self._authenticate()) is None:
            return
        job = self.server.jobs.get(job_id, api_key)
        if job is None:
            self._error(404, 16, "no such emit job for this app")
            return
        if self.command == "DELETE":
            job.cancelled.set()
        self._send(200, job.as_json())

    def _token(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        host = self.headers.get("Host", f"127.0.0.1:{self.server.server_address[1]}")
        try:
            answer = self.server.keyring.exchange(form, f"http://{host}/_sandbox/token")
        except TokenRefused as exc:
            self._send(400, {"error": exc.error, "error_description": exc.description})
            return
        self._send(200, answer)

    def _emit(self, api_key: str, body: Any) -> None:
        from hookctl.events.catalog import load_catalog
        from hookctl.sandbox.emit import Emitter

        event_type = str(body.get("event_type", ""))
        count = int(body.get("count", 1))
        if load_catalog().get(event_type) is None and not body.get("allow_unknown"):
            self._error(400, 4, f"emit: {event_type!r} is not a known event type")
            return
        if not 1 <= count <= 10_000:
            self._error(400, 4, "emit: count must be between 1 and 10000")
            return
        app = self.server.state.apps[api_key]
        emitter = Emitter(gcs_endpoint=self.server.gcs_endpoint, log=self.server.event_log)
        overrides = [str(o) for o in body.get("set") or []]

        def emit(n: int) -> list[dict[str, Any]]:
            outcomes = emitter.emit(
                api_key=api_key,
                api_secret=app.api_secret,
                app_id=app.name,
                hooks=self.server.state.app_json(api_key)["event_hooks"],
                event_type=event_type,
                count=n,
                overrides=overrides,
                compress=bool(app.settings.get("enable_hook_payload_compression")),
            )
            rows = [o.as_json() for o in outcomes]
            with self.server.emit_lock:
                self.server.emitted.extend(rows)
            return rows

        if body.get("job"):
            job = self.server.jobs.start(api_key, event_type, count, emit)
            self._send(202, job.as_json())
            return
        self._send(200, result(event_type, count, emit(count)))

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()


def _hook_events(path: str) -> list[dict[str, Any]]:
    """``GET /hook/events[?product=]`` from the bundled catalog, in stream-chat-js's shape."""
    from hookctl.events.catalog import load_catalog

    product = (parse_qs(urlsplit(path).query).get("product") or [""])[0]
    return [
        {"name": e.name, "description": e.description, "products": [e.product]}
        for e in load_catalog().events
        if not product or e.product == product
    ]
