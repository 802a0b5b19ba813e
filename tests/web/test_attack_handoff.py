"""A copy of the database cannot sign "continue on your phone" links (issue 15, "holding under
attack"). The bench signs with a key derived from its token (kiosk.core.handoff.continue_url,
unchanged); the server keeps that key sealed with its key file, outside the database. Benches
provisioned before move over at their next token rotation."""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
import zlib

import requests

from kiosk.core.handoff import b64url, continue_url
from tests.web.conftest import ROOT, Web

DAMAGED = "This link is damaged or was changed"
FORM = 'name="text"'


def open_link(url: str) -> str:
    return requests.get(url + "?lang=en", timeout=30).text


def forge(server_url: str, bench_id: str, key: bytes, text: str) -> str:
    """A continue link signed with ``key``, in the documented format."""
    draft = {"v": 1, "b": bench_id, "d": str(uuid.uuid4()), "l": "bs", "i": None, "t": text, "ts": int(time.time())}
    payload = b64url(zlib.compress(json.dumps(draft, separators=(",", ":")).encode(), 9))
    tag = b64url(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:16])
    return f"{server_url}/c/{payload}.{tag}"


def keys_a_database_copy_gives(db_path, bench_id: str) -> list[bytes]:
    """Every key an attacker could try from the bench's row of a leaked database: the old scheme
    (HMAC keyed with the stored token hash) applied to each text column."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM benches WHERE id = ?", [bench_id]).fetchone()
    keys = []
    for value in row:
        if isinstance(value, str):
            try:
                keys.append(hmac.new(bytes.fromhex(value), b"smart-bench handoff v1", hashlib.sha256).digest())
            except ValueError:
                pass
            keys.append(hmac.new(value.encode(), b"smart-bench handoff v1", hashlib.sha256).digest())
    return keys


def test_a_copy_of_the_database_cannot_sign_continue_links(web: Web) -> None:
    bench_id, token = web.server.add_bench("maglaj")
    genuine = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Klupa kod škole", "bs")
    assert FORM in open_link(genuine)
    for key in keys_a_database_copy_gives(web.server.db_path, bench_id):
        assert DAMAGED in open_link(forge(web.url, bench_id, key, "Lažni prijedlog"))
    key_file = web.server.db_path.with_suffix(".key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip().encode() not in web.server.db_path.read_bytes()


def test_a_bench_from_before_moves_over_at_its_next_token_rotation(web: Web) -> None:
    """A bench provisioned by an older server: its row holds the plain SHA-256 of its token and no
    sealed key. It keeps working as it did until its token is rotated, then it is moved over."""
    bench_id, old_token = f"legacy-{uuid.uuid4().hex[:6]}", "an-old-token-" + uuid.uuid4().hex
    with sqlite3.connect(web.server.db_path, timeout=10) as conn:
        conn.execute("INSERT INTO benches (id, municipality, token_hash, token_issued_at, created_at) "
                     "VALUES (?, 'maglaj', ?, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
                     [bench_id, hashlib.sha256(old_token.encode()).hexdigest()])
    pull = requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {old_token}"}, timeout=30)
    assert pull.status_code == 200
    assert FORM in open_link(continue_url(web.url, bench_id, old_token, str(uuid.uuid4()), "Stari", "bs"))

    rotated = subprocess.run([sys.executable, "-m", "sync_server", "rotate-token", bench_id,
                              "--db", str(web.server.db_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert rotated.returncode == 0, rotated.stderr
    new_token = rotated.stdout.strip()
    token_hash, sealed = web.server.rows("SELECT token_hash, handoff_key FROM benches WHERE id = ?", [bench_id])[0]
    assert sealed and token_hash != hashlib.sha256(new_token.encode()).hexdigest()
    assert requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {old_token}"},
                        timeout=30).status_code == 401
    assert requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {new_token}"},
                        timeout=30).status_code == 200
    assert FORM in open_link(continue_url(web.url, bench_id, new_token, str(uuid.uuid4()), "Novi", "bs"))
    assert DAMAGED in open_link(continue_url(web.url, bench_id, old_token, str(uuid.uuid4()), "Stari", "bs"))
    for key in keys_a_database_copy_gives(web.server.db_path, bench_id):
        assert DAMAGED in open_link(forge(web.url, bench_id, key, "Lažni prijedlog"))
