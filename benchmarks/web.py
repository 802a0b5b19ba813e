#!/usr/bin/env python3
"""The phone pages' weight and time to first byte, on loopback against a real server.

    python benchmarks/web.py [--requests 200]

The pages the benches' QR codes open (an initiative with its support form, a receipt status, a
"continue" link), the portal, and the form pages (the "give an idea" form plain and preselected by
an initiative, the unsubscribe page of the e-mails) are fetched like a phone would: the HTML, then the one stylesheet. Weight is HTML + CSS as
sent (no compression is configured). TTFB is measured per request on a kept-alive connection,
from sending the request to reading the status line. Goals: under 50 KB and under 50 ms.

The server runs in a child process with uvicorn, like `serve`, but with the per-address limit of
the public receipt page raised out of reach (200 lookups from one address would be refused).
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.handoff import continue_url  # noqa: E402
from sync_server.db import open_database, transaction  # noqa: E402
from sync_server.sample import load_sample  # noqa: E402
from sync_server.services.benches import add_bench  # noqa: E402
from sync_server.services.continued import submit_continued  # noqa: E402
from sync_server.services.notices import MailLinks, queue_mail  # noqa: E402
from sync_server.settings import Settings  # noqa: E402
from sync_server.auth import Bench  # noqa: E402

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"
SETTINGS = Settings(public_rate_per_minute=1e9, public_rate_burst=10**9)


def _serve(db_path: str, port: int) -> None:
    import uvicorn

    from sync_server.app import create_app
    uvicorn.run(create_app(db_path, SETTINGS), host="127.0.0.1", port=port, access_log=False, log_level="warning")


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(db_path: str, port: int) -> dict[str, str]:
    """Sample initiatives, a bench, one suggestion with a receipt, a continue link, a queued e-mail."""
    db = open_database(db_path)
    load_sample(db)
    token = add_bench(db, "bench-bench", "zepce")
    outcome = submit_continued(db, Bench("bench-bench", "zepce", None), SETTINGS, draft_id=str(uuid.uuid4()),
                               text="Više klupa u hladu kod škole.", language="bs", initiative_id=None, contact=None)
    with transaction(db):  # one e-mail queued, for a real unsubscribe link
        queue_mail(db, MailLinks(f"http://127.0.0.1:{port}"), recipient="ana@example.org", language="hr",
                   event="confirmed", values={"receipt": outcome.receipt}, status_path=f"/r/{outcome.receipt}")
    unsubscribe = db.execute("SELECT unsubscribe_url FROM mail_outbox").fetchone()[0].split(str(port), 1)[1]
    db.close()
    link = continue_url(f"http://127.0.0.1:{port}", "bench-bench", token, str(uuid.uuid4()),
                        "Treba nam česma u parku kod rijeke, i klupe u hladu." * 6, "bs", BINS)
    return {"initiative /i": f"/i/{BINS}?lang=bs", "initiative /i (sr-Latn)": f"/i/{BIKES}?lang=sr-Latn",
            "receipt /r": f"/r/{outcome.receipt}?lang=bs", "continue /c": link.split(str(port), 1)[1],
            "portal /": "/?lang=bs", "idea form /suggest": "/suggest?lang=bs",
            "idea form /suggest?m=": "/suggest?m=zepce&lang=sr", "idea form /suggest?i=": f"/suggest?i={BINS}",
            "unsubscribe /unsubscribe": unsubscribe}


def _fetch(conn: http.client.HTTPConnection, path: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Language": "bs"})
    response = conn.getresponse()  # returns once the status line and headers are read
    first_byte = time.perf_counter() - start
    body = response.read()
    assert response.status == 200, (path, response.status)
    return first_byte, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="web-bench-")
    db_path, port = f"{folder}/server.db", _free_port()
    pages = _prepare(db_path, port)
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(db_path, port), daemon=True)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(100):
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                conn.close()
                time.sleep(0.1)
        css = len(_fetch(conn, "/static/style.css")[1])
        print(f"{args.requests} requests per page, keep-alive, loopback; CSS {css} bytes (one file, cacheable)")
        print(f"{'page':<26} {'HTML B':>7} {'+CSS B':>7} {'TTFB p50 ms':>12} {'p95 ms':>8} {'max ms':>8}")
        for name, path in pages.items():
            for _ in range(10):  # warm up
                _fetch(conn, path)
            times, size = [], 0
            for _ in range(args.requests):
                first_byte, body = _fetch(conn, path)
                times.append(first_byte * 1000)
                size = len(body)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{name:<26} {size:>7} {size + css:>7} {statistics.median(times):>12.2f} {p95:>8.2f} {times[-1]:>8.2f}")
        conn.close()
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
