"""Window-exact listing against fake-gcs-server: a sub-day window lists only its name range.

fake-gcs-server honours ``startOffset``/``endOffset`` (checked here: the listed
count would be the whole day otherwise), and names stamped outside their
folder's day are still found and decided by ``failed_at``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.gcs import Auth, Bucket
from hookctl.failover.layout import envelope, object_name
from hookctl.failover.select import Finder, Selection
from tests.conftest import Cli
from tests.gcs import fake_gcs_server, write_object

BUCKET = "failover"
PATH = "stream/failed-events"
HOOK = "hook-1"
DAY = datetime(2026, 4, 1, tzinfo=UTC)
SINCE, UNTIL = DAY + timedelta(hours=6), DAY + timedelta(hours=12)
EVERY = timedelta(minutes=5)  # 288 objects in the day, 72 in the window
FOLDER = f"{PATH}/2026/04/01"
YEAR_EARLIER = int((DAY - timedelta(days=365)).timestamp())
NEXT_DAY = int((DAY + timedelta(days=1, hours=2)).timestamp())
SKEWED = {  # name stamped outside its folder's day -> failed_at
    f"{FOLDER}/{YEAR_EARLIER}-message.new-{HOOK}.json": DAY + timedelta(hours=8),
    f"{FOLDER}/{NEXT_DAY}-message.new-{HOOK}.json": DAY + timedelta(hours=9),
    f"{FOLDER}/{YEAR_EARLIER + 1}-message.new-{HOOK}.json": DAY + timedelta(hours=20),
}


def _env(when: datetime) -> dict[str, Any]:
    return envelope(
        hook_id=HOOK,
        url="https://example.invalid/hook",
        event_type="message.new",
        error="timeout",
        failed_at=when,
        payload={"type": "message.new", "at": when.isoformat()},
    )


@pytest.fixture(scope="module")
def gcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data: Path = tmp_path_factory.mktemp("gcs-window")
    when = DAY
    while when < DAY + timedelta(days=1):
        write_object(data, BUCKET, object_name(PATH, when, "message.new", HOOK), _env(when))
        when += EVERY
    for name, failed_at in SKEWED.items():
        write_object(data, BUCKET, name, _env(failed_at))
    with fake_gcs_server(data) as url:
        yield url


def test_a_six_hour_window_lists_its_range_plus_the_names_stamped_outside_the_day(
    gcs: str,
) -> None:
    async def run() -> tuple[list[str], int]:
        async with Bucket(BUCKET, Auth(None), endpoint=gcs) as bucket:
            finder = Finder(bucket, Selection(SINCE, UNTIL), path=PATH)
            names = [c.item.name async for c in finder.candidates()]
            return names, finder.listing.listed

    names, listed = asyncio.run(run())
    in_window = 6 * 12
    assert listed == in_window + len(SKEWED)  # not the day's 288 + 3
    assert set(SKEWED) <= set(names)
    assert names == sorted(names)  # name order within the day holds across ranges


def test_list_finds_exactly_the_window_including_names_stamped_in_another_day(
    gcs: str, cli: Cli
) -> None:
    result = cli(
        "failover",
        "list",
        *("--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", gcs),
        *("--since", "2026-04-01T06:00Z", "--until", "2026-04-01T12:00Z", "--json"),
    )
    assert result.exit_code == 0, result.stderr
    names = {o["name"] for o in json.loads(result.stdout)["objects"]}
    expected = {
        object_name(PATH, DAY + EVERY * i, "message.new", HOOK)
        for i in range(288)
        if SINCE <= DAY + EVERY * i < UNTIL
    }
    expected |= {n for n, failed_at in SKEWED.items() if SINCE <= failed_at < UNTIL}
    assert names == expected
    assert len(names) == 72 + 2
