#!/usr/bin/env python3
"""The time a moderator needs, against a real server on loopback.

    python benchmarks/moderation.py [--ideas 10000] [--decide 20] [--repeat 15]

1. Page loads and HTTP requests per decided idea: "before" is the flow the queue offered until
   issue #12 (queue → open the idea → post the decision, which answers with the idea's page
   again → back to the queue for the next one); "after" is triage (post with "save and next",
   which answers with the next idea). Counted from the requests actually made, redirects
   included.
2. `/moderation` (first page, the default filter), a deep page, the totals and triage with
   `--ideas` suggestions waiting in one municipality: median and p95 server time over `--repeat`
   loads of a logged-in moderator (time to the whole response, on a kept-alive connection).

Suggestions are stored through the same service the bench API uses, in batches of 500.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from live_server import LiveServer  # noqa: E402

from sync_server.auth import Bench  # noqa: E402
from sync_server.db import open_database  # noqa: E402
from sync_server.services.benches import add_bench  # noqa: E402
from sync_server.services.people import add_user  # noqa: E402
from sync_server.services.suggestions import ingest_suggestions  # noqa: E402
from sync_server.wire import SuggestionIn  # noqa: E402

PASSWORD = "benchmark password 1"
WORDS = ("klupa", "park", "škola", "rasvjeta", "kanta", "staza", "most", "česma", "drvo", "igralište", "autobus",
         "pijaca", "obala", "semafor", "trotoar", "parking", "biblioteka", "stanica", "zelenilo", "rupa")


def seed(db_path: Path, ideas: int) -> None:
    db = open_database(db_path)
    add_user(db, "bench-mod", "moderator", PASSWORD, ("zepce",))
    bench = Bench("bench-m", "zepce", None)
    add_bench(db, bench.id, "zepce")
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    for first in range(0, ideas, 500):
        batch = []
        for n in range(first, min(ideas, first + 500)):
            words = " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(6))
            batch.append(SuggestionIn(str(n), str(uuid.uuid4()), (start + timedelta(minutes=n)).strftime(
                "%Y-%m-%dT%H:%M:%S.000000Z"), f"Prijedlog {n}: {words}", "bs", None, None, None, None))
        ingest_suggestions(db, bench, batch)
    db.close()


class Counting(requests.Session):
    """A session that counts requests and the HTML pages among the answers."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0
        self.pages = 0

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        response = super().send(request, **kwargs)
        self.requests += 1
        # A redirect's hops come through here themselves: the page is counted where it is read.
        self.pages += response.headers.get("content-type", "").startswith("text/html") and not response.history
        return response


def login(base: str) -> Counting:
    session = Counting()
    page = session.get(f"{base}/login")
    session.post(f"{base}/login", data={"username": "bench-mod", "password": PASSWORD, "csrf_token": _csrf(page.text)})
    session.requests = session.pages = 0
    return session


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def before(base: str, decide: int) -> tuple[float, float]:
    session = login(base)
    queue = session.get(f"{base}/moderation").text
    session.requests = session.pages = 0  # opening the queue once is not per idea
    for _ in range(decide):
        sid = re.search(r'href="/moderation/suggestions/([0-9a-f-]+)"', queue).group(1)
        idea = session.get(f"{base}/moderation/suggestions/{sid}").text
        session.post(f"{base}/moderation/suggestions/{sid}/confirm", data={"csrf_token": _csrf(idea)})
        queue = session.get(f"{base}/moderation").text
    return session.pages / decide, session.requests / decide


def after(base: str, decide: int) -> tuple[float, float]:
    session = login(base)
    page = session.get(f"{base}/moderation/triage").text
    session.requests = session.pages = 0  # opening triage once is not per idea
    for _ in range(decide):
        sid = re.search(r'action="/moderation/suggestions/([0-9a-f-]+)/confirm"', page).group(1)
        page = session.post(f"{base}/moderation/suggestions/{sid}/confirm",
                            data={"csrf_token": _csrf(page), "next": "triage", "filter": ""}).text
    return session.pages / decide, session.requests / decide


def timing(session: requests.Session, url: str, repeat: int) -> tuple[float, float]:
    session.get(url)  # warm: templates compiled, pages cached by SQLite
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = session.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--decide", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        seed(Path(folder) / "server.db", args.ideas + 2 * args.decide)
        print(f"seeded {args.ideas + 2 * args.decide} ideas in {time.perf_counter() - started:.1f} s")
        with LiveServer.start_new(Path(folder), sample=True) as server:
            pages, calls = before(server.url, args.decide)
            print(f"before: {pages:.1f} page loads, {calls:.1f} requests per decided idea (queue, idea, decision)")
            pages, calls = after(server.url, args.decide)
            print(f"after:  {pages:.1f} page loads, {calls:.1f} requests per decided idea (triage, save and next)")
            session = login(server.url)
            waiting = re.search(r'id="total">([^<·]+)', session.get(f"{server.url}/moderation?lang=en").text)
            print(f"queue: {waiting.group(1).strip()} waiting")
            for name, path in (("/moderation", "/moderation"),
                               ("/moderation page 150", "/moderation?page=150"),
                               ("/moderation sorted by arrival, oldest", "/moderation?sort=arrived&order=oldest&page=2"),
                               ("/moderation search", "/moderation?q=biblioteka&state=all"),
                               ("/moderation/triage", "/moderation/triage"),
                               ("/moderation/duplicates", "/moderation/duplicates"),
                               ("/moderation/reports", "/moderation/reports")):
                median, p95 = timing(session, server.url + path, args.repeat)
                print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms ({args.ideas} ideas)")


if __name__ == "__main__":
    main()
