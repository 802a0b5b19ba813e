"""The command lines an administrator types: provisioning benches and people, privacy requests."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from sync_server.auth import hash_bench_token, verify_password
from sync_server.db import SCHEMA_VERSION, open_database, schema_version

from .conftest import ROOT
from .helpers import suggestion


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync_server", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_add_bench_prints_only_the_token_and_stores_only_its_hash(tmp_path):
    db_file = str(tmp_path / "s.db")
    result = cli("add-bench", "Bench-07", "--municipality", "ŽEPČE", "--db", db_file)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout.count("\n") == 1 and len(token) == 43
    db = open_database(db_file)
    row = db.execute("SELECT id, municipality, token_hash, handoff_key FROM benches").fetchone()
    assert row[:3] == ("Bench-07", "zepce", hash_bench_token(token))
    assert row[3].startswith("v1:")  # the hand-off key, sealed with the key file beside the database
    stored = (tmp_path / "s.db").read_bytes()
    # Neither the token nor its plain SHA-256 (which gives the hand-off key) is in the database.
    assert token.encode() not in stored and hashlib.sha256(token.encode()).hexdigest().encode() not in stored
    assert schema_version(db) == SCHEMA_VERSION


def test_bench_commands(tmp_path):
    db_file = str(tmp_path / "s.db")
    first = cli("add-bench", "b1", "--municipality", "novi grad", "--db", db_file).stdout.strip()
    assert cli("add-bench", "B1", "--municipality", "novi-grad", "--db", db_file).returncode == 1
    assert "unknown municipality" in cli("add-bench", "b2", "--municipality", "Sarajevo", "--db", db_file).stderr
    rotated = cli("rotate-token", "b1", "--db", db_file).stdout.strip()
    assert rotated and rotated != first
    assert cli("revoke-bench", "b1", "--db", db_file).returncode == 0
    assert cli("revoke-bench", "nope", "--db", db_file).returncode == 1
    listed = [json.loads(line) for line in cli("list-benches", "--json", "--db", db_file).stdout.splitlines()]
    assert [(b["id"], b["municipality"], b["revoked"]) for b in listed] == [("b1", "novi-grad", True)]
    assert "b1" in cli("list-benches", "--db", db_file).stdout


def test_add_user_reads_the_password_from_stdin_and_hashes_it_with_argon2(tmp_path):
    db_file = str(tmp_path / "s.db")
    result = cli("add-user", "mira", "--role", "moderator", "--municipality", "Zavidovići",
                 "--municipality", "maglaj", "--db", db_file, stdin="a long secret phrase\n")
    assert result.returncode == 0, result.stderr
    assert "a long secret phrase" not in result.stdout + result.stderr
    db = open_database(db_file)
    password_hash, = db.execute("SELECT password_hash FROM users WHERE username = 'mira'").fetchone()
    assert password_hash.startswith("$argon2id$") and verify_password(password_hash, "a long secret phrase")
    scope = db.execute("SELECT municipality FROM user_municipalities ORDER BY 1").fetchall()
    assert scope == [("maglaj",), ("zavidovici",)]


def test_add_user_generates_a_password_when_none_is_given(tmp_path):
    db_file = str(tmp_path / "s.db")
    result = cli("add-user", "ada", "--role", "admin", "--db", db_file)
    generated = result.stdout.strip()
    assert result.returncode == 0 and len(generated) >= 16
    db = open_database(db_file)
    assert verify_password(db.execute("SELECT password_hash FROM users").fetchone()[0], generated)
    assert cli("add-user", "mod", "--role", "moderator", "--db", db_file).returncode == 1  # needs a municipality
    password_file = tmp_path / "pw"
    password_file.write_text("from a file, long enough\n")
    assert cli("add-user", "tom", "--role", "maintainer", "--password-file", str(password_file),
               "--db", db_file).stdout == ""


def test_load_sample_export_and_erase(tmp_path):
    db_file = str(tmp_path / "s.db")
    assert cli("load-sample", "--db", db_file).returncode == 0
    assert cli("load-sample", "--db", db_file).returncode == 0  # twice adds nothing
    db = open_database(db_file)
    assert db.execute("SELECT count(*) FROM initiatives WHERE status != 'draft'").fetchone()[0] == 4
    cli("add-bench", "b1", "--municipality", "zepce", "--db", db_file)
    item = suggestion(receipt="K7M2-Q9XD", text="Tajna ideja", contact="ana@example.org", contact_consent=True)
    db.execute("INSERT INTO suggestions (id, bench_id, municipality, receipt, created_at, received_at, language, "
               "text, contact) VALUES (?, 'b1', 'zepce', ?, ?, ?, 'bs', ?, ?)",
               [item["id"], item["receipt"], item["created_at"], item["created_at"], item["text"], item["contact"]])
    exported = json.loads(cli("export-receipt", "k7m2q9xd", "--db", db_file).stdout)
    assert exported["suggestion"]["text"] == "Tajna ideja" and exported["suggestion"]["contact"] == "ana@example.org"
    assert exported["suggestion"]["bench_id"] == "b1"
    assert cli("erase-receipt", "K7M2-Q9XD", "--db", db_file).returncode == 0
    assert cli("export-receipt", "K7M2-Q9XD", "--db", db_file).returncode == 1
    assert db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 0
    assert cli("purge-contacts", "--db", db_file).returncode == 0


def test_serve_refuses_to_start_on_a_bad_setting_in_the_environment_and_names_it(tmp_path):
    db_file = tmp_path / "s.db"
    env = {**os.environ, "SMART_BENCH_LOW_SOC_PCT": "lots", "SMART_BENCH_METRICS_TOKEN": "fine"}
    result = subprocess.run([sys.executable, "-m", "sync_server", "serve", "--db", str(db_file), "--port", "0"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    [line] = result.stderr.splitlines()  # one line, before anything else happens
    assert line.startswith("error: invalid setting SMART_BENCH_LOW_SOC_PCT='lots'"), line
    assert "number" in line
    assert not db_file.exists()


def test_release_key_and_signing_offline(tmp_path):
    db_file, key = str(tmp_path / "s.db"), tmp_path / "release.pem"
    made = cli("release-key", "--private-key", str(key), "--db", db_file)
    assert made.returncode == 0, made.stderr
    public_key = made.stdout.strip()
    assert len(public_key) == 44 and oct(key.stat().st_mode & 0o777) == "0o600"
    again = cli("release-key", "--private-key", str(key), "--db", db_file)
    assert again.returncode == 1 and "File exists" in again.stderr, "an existing key is never overwritten"
    release = tmp_path / "smart_bench-1.0.0-py3-none-any.whl"
    release.write_bytes(b"not a wheel")
    assert cli("sign-release", str(release), "--key", str(key), "--db", db_file).returncode == 0
    assert len((tmp_path / f"{release.name}.sig").read_text().strip()) == 88
    refused = cli("publish-release", str(release), "--channel", "stable", "--public-key", public_key, "--db", db_file)
    assert refused.returncode == 1 and "not a readable wheel" in refused.stderr
    assert "names of fleet pages" in cli("add-bench", "Settings", "--municipality", "mostar", "--db", db_file).stderr
