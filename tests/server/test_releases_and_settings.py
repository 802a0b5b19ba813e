"""Releases and remote settings in the service layer, on a real SQLite file: what publishing
refuses, which release each bench is offered, and how settings layers merge and number."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync_server.db import Database, open_database
from sync_server.services import releases, remote_settings
from sync_server.services.benches import add_bench, bench_for_token
from sync_server.services.errors import InvalidInput, NotFound
from sync_server.signing import load_private_key, new_key_pair, sign


def wheel(version: str, extra: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"smart_bench-{version}.dist-info/METADATA",
                         f"Metadata-Version: 2.1\nName: smart-bench\nVersion: {version}\n")
        archive.writestr("kiosk/__init__.py", extra)
    return buffer.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "server.db")
    yield database
    database.close()


def test_publish_checks_the_file_and_the_signature(db: Database, tmp_path: Path) -> None:
    public_key = new_key_pair(tmp_path / "key.pem")
    key = load_private_key(tmp_path / "key.pem")
    content = wheel("1.1.0")
    published = releases.publish(db, "smart_bench-1.1.0-py3-none-any.whl", content, sign(key, content), "stable", public_key)
    assert published["version"] == "1.1.0" and published["size"] == len(content)
    again = releases.publish(db, "renamed.whl", content, sign(key, content), "stable", public_key)
    assert again == published, "the same file again changes nothing"
    refusals = [
        ("smart_bench-1.2.0.tar.gz", wheel("1.2.0"), "a release is a wheel"),
        ("broken.whl", b"not a zip", "not a readable wheel"),
        ("other.whl", wheel("1.1.0", extra="# changed"), "already published with other contents"),
        ("unsigned.whl", wheel("1.3.0"), "signature does not verify"),
    ]
    for filename, data, message in refusals:
        signature = sign(key, data) if message != "signature does not verify" else sign(key, b"other bytes")
        with pytest.raises(InvalidInput, match=message):
            releases.publish(db, filename, data, signature, "stable", public_key)
    with pytest.raises(InvalidInput, match="channel"):
        releases.publish(db, "x.whl", wheel("1.4.0"), "sig", "Stable Channel!", None)
    assert [r["version"] for r in releases.releases(db)] == ["1.1.0"]


def test_the_newest_rollout_covering_a_bench_wins_within_its_channel(db: Database) -> None:
    mostar = bench_for_token(db, add_bench(db, "mostar-01", "mostar"))
    zepce = bench_for_token(db, add_bench(db, "zepce-01", "zepce"))
    for version, channel in (("1.0.0", "stable"), ("1.1.0", "stable"), ("2.0.0b1", "beta")):
        releases.publish(db, f"smart_bench-{version}.whl", wheel(version), "sig", channel, None)
    assert releases.offer(db, mostar, "stable") is None
    releases.roll_out(db, "1.1.0", "bench", "mostar-01", "admin")
    releases.roll_out(db, "1.0.0", "municipality", "zepce", "admin")
    releases.roll_out(db, "2.0.0b1", "network", "ignored", "admin")
    assert releases.offer(db, mostar, "stable")["version"] == "1.1.0"
    assert releases.offer(db, zepce, "stable")["version"] == "1.0.0"
    assert releases.offer(db, zepce, "beta")["version"] == "2.0.0b1"
    releases.roll_out(db, "1.0.0", "network", "", "admin")  # withdraw 1.1.0 everywhere
    assert releases.offer(db, mostar, "stable")["version"] == "1.0.0"
    for version, scope, target in (("9.9.9", "network", ""), ("1.0.0", "bench", "nobody"),
                                   ("1.0.0", "municipality", "atlantis")):
        with pytest.raises(NotFound):
            releases.roll_out(db, version, scope, target, "admin")
    newest = releases.rollouts(db)[0]
    assert (newest["version"], newest["scope"], newest["target"], newest["created_by"]) == ("1.0.0", "network", "", "admin")


def test_settings_layers_merge_and_their_version_only_grows(db: Database) -> None:
    add_bench(db, "mostar-01", "mostar")
    add_bench(db, "zepce-01", "zepce")
    assert remote_settings.for_bench(db, "mostar-01", "mostar") == {"version": 0, "values": {}}
    network = remote_settings.save_layer(db, "network", "x", {"idle_timeout_s": 120.0, "languages": ["bs", "en"]}, "admin")
    town = remote_settings.save_layer(db, "municipality", "mostar", {"idle_timeout_s": 60.0}, "admin")
    bench = remote_settings.save_layer(db, "bench", "mostar-01", {"energy.min_dwell_s": 900.0}, "admin")
    assert network < town < bench
    assert remote_settings.for_bench(db, "mostar-01", "mostar") == {
        "version": bench, "values": {"idle_timeout_s": 60.0, "languages": ["bs", "en"], "energy.min_dwell_s": 900.0}}
    assert remote_settings.for_bench(db, "zepce-01", "zepce") == {
        "version": network, "values": {"idle_timeout_s": 120.0, "languages": ["bs", "en"]}}
    cleared = remote_settings.save_layer(db, "municipality", "mostar", {}, "admin")  # back to inheriting
    assert remote_settings.for_bench(db, "mostar-01", "mostar")["version"] == cleared > bench
    assert remote_settings.for_bench(db, "mostar-01", "mostar")["values"]["idle_timeout_s"] == 120.0
    with pytest.raises(NotFound):
        remote_settings.save_layer(db, "bench", "nobody", {}, "admin")
    with pytest.raises(InvalidInput):
        remote_settings.save_layer(db, "network", "", {"token": "x"}, "admin")


@pytest.mark.parametrize("key, text, expected", [
    ("idle_timeout_s", "45", 45.0), ("energy.latitude", "43,3", 43.3), ("languages", "bs, hr ,en", ["bs", "hr", "en"]),
    ("diagnostics_pin_hash", " scrypt$1$2 ", "scrypt$1$2"),
])
def test_form_values_are_read_by_their_kind(key: str, text: str, expected: object) -> None:
    assert remote_settings.parse_value(key, text) == expected


@pytest.mark.parametrize("key, text", [("idle_timeout_s", "soon"), ("idle_timeout_s", "nan"),
                                       ("languages", "bs; hr"), ("diagnostics_pin_hash", "a\nb"), ("token", "x")])
def test_form_values_of_the_wrong_kind_are_refused(key: str, text: str) -> None:
    with pytest.raises(InvalidInput, match=key):
        remote_settings.parse_value(key, text)
