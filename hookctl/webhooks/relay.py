"""``listen --forward-to``: relay a webhook that arrived, as it arrived, to another URL.

Delivery (``hookctl.webhooks.delivery``) sends webhooks hookctl signs; this module passes
on one someone else sent. Blocking (it runs in the receiver's handler thread),
standard library only (urllib), bounded by a timeout. Whoever reached the
receiver is untrusted: only Stream's own headers are relayed and a redirect is
never followed, so the signed body and ``X-Api-Key`` go to the URL the user
named and nowhere else.
"""

from __future__ import annotations

from typing import Any

from hookctl.webhooks.delivery import USER_AGENT, redirect_error

# Headers Stream puts on a webhook request: all that ``listen --forward-to`` relays.
STREAM_HEADERS = (
    "content-type",
    "content-encoding",  # compressed webhooks: the body is relayed as received
    "x-webhook-id",
    "x-webhook-attempt",
    "x-api-key",
    "x-signature",
)


def forward(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0) -> str:
    """Relay a received webhook, as received, to ``url`` (``listen --forward-to``).

    Blocking (it runs in the receiver's handler thread). Only Stream's own headers
    are relayed (``X-Forwarded-For``, cookies or ``X-Internal-Admin`` from the sender
    are not), and a redirect is not followed: it is reported like any delivery's.
    Returns the status as text, or the problem.
    """
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: Any, **__: Any) -> None:
            return None  # urllib then raises HTTPError with the 3xx

    keep = {k: v for k, v in headers.items() if k.lower() in STREAM_HEADERS}
    keep["User-Agent"] = USER_AGENT
    request = urllib.request.Request(url, data=body, headers=keep, method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return str(response.status)
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            return redirect_error(err.headers.get("Location"))
        return str(err.code)
    except (OSError, ValueError) as err:
        return f"error: {err}"
