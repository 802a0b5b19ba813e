"""The Prometheus exposition: parsed back strictly, every family described, labels escaped."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sync_server.fleet.alerts import alerts_for
from sync_server.fleet.metrics import escape_label, fleet_families, render
from sync_server.services.fleet import BenchState, Port, Sample
from sync_server.settings import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
_SAMPLE = re.compile(rf"^({_NAME})(?:{{(.*)}})? (\S+)$")


def parse(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, dict[str, str], float]]]:
    """A strict reader of the text format: (HELP/TYPE per family, samples). Fails on anything odd."""
    assert text.endswith("\n")
    meta: dict[str, dict[str, str]] = {}
    samples = []
    for line in text[:-1].split("\n"):
        if line.startswith("# "):
            _, key, name, rest = line.split(" ", 3)
            assert key in ("HELP", "TYPE") and re.fullmatch(_NAME, name)
            meta.setdefault(name, {})[key] = rest
            continue
        match = _SAMPLE.match(line)
        assert match, line
        name, label_text, value = match.groups()
        labels, position = {}, 0
        for found in _LABEL.finditer(label_text or ""):
            assert found.start() == position, line
            labels[found.group(1)] = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)),
                                            found.group(2))
            position = found.end()
        assert position == len(label_text or ""), line
        assert name in meta and meta[name]["TYPE"] == "gauge", f"{name} sampled before its TYPE"
        samples.append((name, labels, float(value)))
    return meta, samples


def state(bench_id: str, **sample: object) -> BenchState:
    return BenchState(bench_id, "zepce", NOW - timedelta(days=3), last_contact_at=NOW - timedelta(seconds=42),
                      backlog=3, sample=Sample(NOW - timedelta(seconds=50), **sample))


def metrics(*benches: BenchState, suggestions: dict[str, int] | None = None) -> str:
    alerts = {b.id: alerts_for(b, NOW, Settings()) for b in benches}
    return render(fleet_families(benches, alerts, suggestions or {}, NOW))


def value(samples: list, name: str, **labels: str) -> float:
    [found] = [v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items())]
    return found


def test_every_family_has_help_and_type_and_parses_back() -> None:
    ok = state("zepce-01", soc_pct=87.5, battery_v=12.84, solar_w=35.0,
               ports={"USB1": Port("on", 0.45), "USB2": Port("fault", None)})
    meta, samples = parse(metrics(ok, state("empty", ), suggestions={"received": 4, "merged": 1}))
    expected = {"smartbench_last_contact_seconds", "smartbench_battery_soc_percent", "smartbench_battery_volts",
                "smartbench_solar_watts", "smartbench_sync_backlog_items", "smartbench_port_on",
                "smartbench_port_fault", "smartbench_alert", "smartbench_benches", "smartbench_suggestions"}
    assert set(meta) == expected and all(set(m) == {"HELP", "TYPE"} for m in meta.values())
    assert value(samples, "smartbench_last_contact_seconds", bench="zepce-01") == 42
    assert value(samples, "smartbench_battery_soc_percent", bench="zepce-01") == 87.5
    assert value(samples, "smartbench_battery_volts", bench="zepce-01") == 12.84
    assert value(samples, "smartbench_sync_backlog_items", bench="zepce-01", municipality="zepce") == 3
    assert value(samples, "smartbench_port_on", bench="zepce-01") == 1
    assert value(samples, "smartbench_port_fault", bench="zepce-01", port="USB2") == 1
    assert not [s for s in samples if s[0] == "smartbench_port_fault" and s[1]["port"] == "USB1"]
    assert value(samples, "smartbench_alert", bench="zepce-01", kind="port_fault") == 1
    assert value(samples, "smartbench_suggestions", state="received") == 4
    assert value(samples, "smartbench_benches", state="active") == 2
    # A missing reading is no sample at all, never a made-up 0.
    assert not [s for s in samples if s[0] == "smartbench_battery_soc_percent" and s[1]["bench"] == "empty"]


def test_odd_bench_and_port_names_are_escaped_and_read_back_exactly() -> None:
    odd = 'be"nch\\01\nx'
    text = metrics(state(odd, soc_pct=10.0, ports={'U"SB\\1\n': Port("fault", 1.0)}))
    assert escape_label(odd) == 'be\\"nch\\\\01\\nx'
    _, samples = parse(text)
    assert value(samples, "smartbench_battery_soc_percent", bench=odd) == 10
    assert value(samples, "smartbench_port_fault", bench=odd, port='U"SB\\1\n') == 1
    assert value(samples, "smartbench_alert", bench=odd, kind="low_battery") == 1


def test_alerts_appear_only_while_active_and_revoked_benches_only_count() -> None:
    healthy = state("fine", soc_pct=90.0)
    revoked = BenchState("old", "mostar", NOW - timedelta(days=400), revoked=True)
    _, samples = parse(metrics(healthy, revoked))
    assert not [s for s in samples if s[0] == "smartbench_alert"]
    assert not [s for s in samples if s[1].get("bench") == "old"]
    assert value(samples, "smartbench_benches", state="revoked") == 1
