"""Remote settings on the bench: a version applies whole or not at all, by the config file's
rules, is kept across a restart, and a refusal is reported until a usable version comes."""
from __future__ import annotations

from pathlib import Path

from kiosk.core.config import Config
from kiosk.core.remote_settings import RemoteSettings


def test_a_usable_version_applies_and_survives_a_restart(tmp_path: Path) -> None:
    base = Config(data_dir=tmp_path)
    remote, seen = RemoteSettings(base), []
    remote.subscribe(seen.append)
    assert remote.apply({"version": 3, "values": {"idle_timeout_s": 45, "languages": ["hr", "bs"],
                                                  "energy.reserve_pct": 15}})
    assert [c.idle_timeout_s for c in seen] == [45.0]
    config = remote.current
    assert config.languages == ("hr", "bs") and config.energy.reserve_pct == 15.0 and config.bench_id == base.bench_id
    assert remote.report() == {"version": 3}
    assert not remote.apply({"version": 3, "values": {"idle_timeout_s": 60}}), "a version applies once"
    again = RemoteSettings(base)  # the kiosk restarted
    assert again.version == 3 and again.current.idle_timeout_s == 45.0


def test_a_bad_value_refuses_the_whole_version(tmp_path: Path) -> None:
    remote, seen = RemoteSettings(Config(data_dir=tmp_path)), []
    remote.subscribe(seen.append)
    remote.apply({"version": 1, "values": {"idle_timeout_s": 120}})
    # Each alone is fine; together the reserve and its margin leave the plan no room.
    refused = {"idle_timeout_s": 60, "energy.reserve_pct": 45}
    assert not remote.apply({"version": 2, "values": refused})
    assert remote.current.idle_timeout_s == 120.0 and remote.current.energy.reserve_pct == 10.0
    assert remote.report() == {"version": 1, "refused_version": 2,
                               "refused": f"energy: reserve_pct (45) and relax_margin_pct ({remote.current.energy.relax_margin_pct:g}) "
                                          "together must be below 50"}
    assert not remote.apply({"version": 3, "values": {"languages": ["bs", "xx"]}})
    assert "languages" in remote.report()["refused"] and "unknown: xx" in remote.report()["refused"]
    assert not remote.apply({"version": 4, "values": {"token": "stolen"}})
    assert remote.report()["refused"] == "token: is not a setting the server may change"
    assert remote.apply({"version": 5, "values": {"idle_timeout_s": 30}})
    assert remote.report() == {"version": 5} and len(seen) == 2
    assert RemoteSettings(Config(data_dir=tmp_path)).current.idle_timeout_s == 30.0
