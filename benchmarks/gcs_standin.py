"""A GCS JSON API stand-in for benchmarks: a million objects in a few MB.

fake-gcs-server rescans its bucket on every list call (0.15-0.35 s a call at
20,000 objects) and takes minutes to preload, so it cannot serve a million
names. This serves the ``benchmarks/corpus.py`` backlog from its index: names,
sizes and envelopes are computed on demand, nothing is stored per object.

Answers (bucket ``bench`` only):
  GET /storage/v1/b                                  the bucket list (a health check)
  GET /storage/v1/b/bench/o?prefix&startOffset&endOffset&pageToken&maxResults&fields
                                                     a page of the listing, in name order
  GET /storage/v1/b/bench/o/NAME[?alt=media]         an object's metadata, or its bytes
  GET /download/storage/v1/b/bench/o/NAME?alt=media  its bytes (``generation`` checked)

``fields`` is honoured for the forms clients send (``items(name,size),nextPageToken``);
without it each item carries GCS's full metadata, as the real service does.
Page tokens are opaque strings (here: the next index).

Left out, because the benchmarks do not use them: authentication, writes
(uploads, copy, delete, preconditions), ``delimiter``/``prefixes``,
``matchGlob``, ``versions``, projections, other buckets, ranged reads, gzip
transcoding, and errors beyond 400/404. Names outside the corpus are 404.

Usage: python benchmarks/gcs_standin.py --port N [--events 1000000] [--days 12]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from aiohttp import web

sys.path.insert(0, str(Path(__file__).parent))
from corpus import BUCKET, GENERATION, Corpus

MAX_PAGE = 1000


def _fields(spec: str | None) -> tuple[set[str] | None, bool]:
    """(item fields to keep or None for all, whether to send nextPageToken)."""
    if not spec:
        return None, True
    keep: set[str] = set()
    token = "nextPageToken" in spec
    if "items(" in spec:
        inner = spec.split("items(", 1)[1].split(")", 1)[0]
        keep = {f.strip() for f in inner.split(",") if f.strip()}
    return keep, token


class Standin:
    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.requests = 0

    def metadata(self, i: int) -> dict[str, Any]:
        name, generation = self.corpus[i], str(GENERATION + i)
        return {
            "kind": "storage#object",
            "id": f"{BUCKET}/{name}/{generation}",
            "selfLink": f"http://standin/storage/v1/b/{BUCKET}/o/{name}",
            "mediaLink": f"http://standin/download/storage/v1/b/{BUCKET}/o/{name}?alt=media",
            "name": name,
            "bucket": BUCKET,
            "generation": generation,
            "metageneration": "1",
            "contentType": "application/json",
            "storageClass": "STANDARD",
            "size": str(self.corpus.size),
            "md5Hash": "AAAAAAAAAAAAAAAAAAAAAA==",
            "crc32c": "AAAAAA==",
            "etag": "CAE=",
            "timeCreated": "2026-03-01T00:00:00.000Z",
            "updated": "2026-03-01T00:00:00.000Z",
        }

    def bounds(self, query: dict[str, str]) -> tuple[int, int]:
        corpus, prefix = self.corpus, query.get("prefix", "")
        lo = corpus.first_at_or_after(prefix) if prefix else 0
        hi = len(corpus)
        if prefix:
            after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            hi = corpus.first_at_or_after(after)
        if query.get("startOffset"):
            lo = max(lo, corpus.first_at_or_after(query["startOffset"]))
        if query.get("endOffset"):
            hi = min(hi, corpus.first_at_or_after(query["endOffset"]))
        return lo, hi

    def listing(self, query: dict[str, str]) -> web.Response:
        lo, hi = self.bounds(query)
        if query.get("pageToken"):
            if not query["pageToken"].isdigit():
                return _error(400, "Invalid pageToken")
            lo = max(lo, int(query["pageToken"]))
        size = min(int(query.get("maxResults") or MAX_PAGE), MAX_PAGE)
        stop = min(hi, lo + size)
        keep, with_token = _fields(query.get("fields"))
        if keep is None:
            items = [self.metadata(i) for i in range(lo, stop)]
        elif keep <= {"name", "generation", "size"}:  # the fast, usual form
            items = [
                {
                    k: v
                    for k, v in (
                        ("name", self.corpus[i]),
                        ("generation", str(GENERATION + i)),
                        ("size", str(self.corpus.size)),
                    )
                    if k in keep
                }
                for i in range(lo, stop)
            ]
        else:
            items = [
                {k: v for k, v in self.metadata(i).items() if k in keep} for i in range(lo, stop)
            ]
        page: dict[str, Any] = {} if keep is not None else {"kind": "storage#objects"}
        if items:
            page["items"] = items
        if stop < hi and with_token:
            page["nextPageToken"] = str(stop)
        return web.Response(body=json.dumps(page).encode(), content_type="application/json")

    def read(self, name: str, query: dict[str, str]) -> web.Response:
        i = self.corpus.index(name)
        if i is None or query.get("generation", str(GENERATION + i)) != str(GENERATION + i):
            return _error(404, "No such object")
        if query.get("alt") == "media":
            return web.Response(
                body=self.corpus.envelope(i),
                content_type="application/json",
                headers={"X-Goog-Generation": str(GENERATION + i)},
            )
        return web.Response(
            body=json.dumps(self.metadata(i)).encode(), content_type="application/json"
        )

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        parts = urlsplit(request.raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path
        bucket_path = f"/storage/v1/b/{BUCKET}/o"
        if request.method != "GET":
            return _error(405, "read-only stand-in")
        if path.rstrip("/") == "/storage/v1/b":
            return web.json_response({"kind": "storage#buckets", "items": [{"name": BUCKET}]})
        if path == bucket_path:
            return self.listing(query)
        if path.startswith(f"{bucket_path}/"):
            return self.read(unquote(path[len(bucket_path) + 1 :]), query)
        if path.startswith(f"/download{bucket_path}/"):
            return self.read(unquote(path[len(bucket_path) + 10 :]), {"alt": "media", **query})
        if path == f"/storage/v1/b/{BUCKET}":
            return web.json_response({"kind": "storage#bucket", "name": BUCKET})
        if path == "/_standin/stats":
            return web.json_response({"requests": self.requests, "events": len(self.corpus)})
        return _error(404, "Not Found")


def _error(status: int, message: str) -> web.Response:
    return web.json_response(
        {"error": {"code": status, "message": message, "errors": [{"message": message}]}},
        status=status,
    )


def make_app(corpus: Corpus) -> web.Application:
    standin = Standin(corpus)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", standin.handle)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=1)
    args = parser.parse_args()
    corpus = Corpus(args.events, args.days)
    web.run_app(make_app(corpus), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
