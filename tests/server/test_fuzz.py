"""Property-based fuzzing from the server's own OpenAPI schema: any input, never a 5xx, and every
error is problem+json."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from sync_server.app import create_app
from sync_server.db import open_database
from sync_server.sample import load_sample
from sync_server.services.benches import add_bench
from sync_server.settings import Settings

_folder = Path(tempfile.mkdtemp(prefix="sync-server-fuzz-"))
atexit.register(shutil.rmtree, _folder, True)
_db = open_database(_folder / "fuzz.db")
load_sample(_db)
TOKEN = add_bench(_db, "fuzz-bench", "zepce")
_db.close()
# A generous rate limit: the fuzzer is one very busy bench.
app = create_app(_folder / "fuzz.db", Settings(rate_per_minute=1e6, rate_burst=1_000_000,
                                               public_rate_per_minute=1e6, public_rate_burst=1_000_000))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case):
    for headers in ({"Authorization": f"Bearer {TOKEN}"}, None):
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith("application/problem+json")
