"""The fleet simulation: twelve benches, one server, a compressed week, and checks at the end.

    .venv/bin/python benchmarks/fleet.py [--days 7] [--short] [--seed 1] [--keep DIR]

Each bench is the real bench code without its window: its own ``BenchStore`` file, its own
simulated controller (``hardware.simulator.simulate_days``, every block fed through
``PowerStatus.with_block`` into an ``EnergyPolicy``, whose port commands go back to the model) and
its own ``SyncClient`` doing real ``run_once`` rounds over HTTP against a real
``python -m sync_server serve`` subprocess on loopback (``tests/live_server.py``), provisioned with
its own token. Benches that lose their network talk through ``tests/sync/fault_proxy.py``, which
resets every connection while the bench is "offline". (Both helpers live under ``tests/``; this
script puts those folders on ``sys.path``, as ``benchmarks/sync_week.py`` does.)

The simulated clock drives everything: one tick is one simulated minute, and nothing sleeps. Each
tick every bench steps its controller, records a telemetry sample (written to its store every
half hour and before each round), lets its citizens act (suggestions and supports at a daily rhythm:
quiet nights, peaks at noon and in the evening, more in big towns) and runs a sync round when its
energy mode's interval is up, or soon after a new suggestion, as ``SyncClient.wake`` does; after a
failure it waits ``backoff_delay`` in simulated time. A bench whose controller cut the load
output is switched off: no citizens, no samples, no rounds. The scenario adds a dark week for
three benches, network outages (hours to a day), a server crash (SIGKILL, 20 simulated minutes
down, restart on the same port and file), one bench's power cut in the middle of a round (the
answer arrives but the bench dies before ``mark_sent``; its store is reopened), a port fault and a
controller error written into two benches' blocks, and moderators who confirm or decline
suggestions twice a day and publish initiatives for one municipality or the whole network
(through the server's service layer on its database file).

Alerts with a simulated "now": every ten simulated minutes the fleet is read from the server's
file (``services.fleet.benches``) and ``fleet.alerts.alerts_for`` is evaluated with ``now`` =
the simulated time. Telemetry carries simulated time stamps, so the latest sample is right as
stored; the server's ``last_contact_at`` is wall-clock time, though, so the bench's newest
stored sample time stands in for its last contact (every successful round uploads up to the
sample just taken, so the two agree to the minute). At each evaluation the alerts the bench's own
truth calls for (no successful round for longer than the silence threshold; low battery, a
faulty port or a controller error in the last sample it delivered) are compared with the alerts
that fired: a missed alert or a false one fails the run.

At the end every bench runs one last round (the week is over and the sun is back: benches that
were dark or critical upload what they kept), and the run checks and prints: suggestions and
supports created on the benches = stored on the server, none lost, none duplicated; telemetry
recorded = stored; every visible initiative on exactly the benches of its municipality (all
twelve for a network-wide one); the expected alerts fired and no unexpected ones; health reports
carry the new fields; and the energy balance of every bench. Exit status 1 if a check failed.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[1]
# The server and fault-proxy helpers live with the tests.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync"), str(ROOT)]

from fault_proxy import FaultProxy  # noqa: E402
from live_server import LiveServer  # noqa: E402

from hardware.simulator import DAY_S, simulate_days  # noqa: E402
from hardware.status import PowerStatus  # noqa: E402
from kiosk.core.config import Config  # noqa: E402
from kiosk.core.energy import CRITICAL, EnergyPolicy  # noqa: E402
from kiosk.core.store import BenchStore, telemetry_sample  # noqa: E402
from kiosk.core.sync import SyncClient, SyncFailed, backoff_delay  # noqa: E402
from sync_server.fleet.alerts import alerts_for, silent_after_s  # noqa: E402
from sync_server.db import Database, open_database  # noqa: E402
from sync_server.municipalities import slugify  # noqa: E402
from sync_server.services import fleet as server_fleet  # noqa: E402
from sync_server.services.benches import add_benches  # noqa: E402
from sync_server.services.initiatives import VISIBLE, create_initiative, publish_initiative  # noqa: E402
from sync_server.services.people import add_user  # noqa: E402
from sync_server.services.suggestions import confirm_suggestion, decline_suggestion  # noqa: E402
from sync_server.settings import Settings  # noqa: E402

LOCAL = ZoneInfo("Europe/Sarajevo")
START = datetime(2025, 5, 12, tzinfo=LOCAL)  # a Monday, local midnight: the models start at 0 h
TICK_S = 60.0
FLUSH_EVERY_S = 1800.0  # samples reach the store file in batches: one write a minute is wasted wear
ALERT_EVERY_S = 600.0
SERVER_DOWN_S = 20 * 60.0
WAKE_DELAY_S = 60.0  # a new suggestion wakes the sync thread; it runs on the next tick
MARGIN_S = 2 * TICK_S  # around the silence threshold the truth is "either": ticks are a minute

# Municipality -> (relative activity, language of its citizens). Mostar and Prijedor are the big towns.
TOWNS: dict[str, tuple[float, str]] = {
    "Berkovići": (0.2, "sr"), "Jablanica": (0.5, "bs"), "Kostajnica": (0.3, "sr-Latn"),
    "Maglaj": (0.7, "bs"), "Mostar": (3.0, "hr"), "Nevesinje": (0.4, "sr"), "Novi Grad": (0.7, "sr-Latn"),
    "Prijedor": (2.5, "sr"), "Ravno": (0.2, "hr"), "Trebinje": (1.2, "sr"), "Zavidovići": (1.0, "bs"),
    "Žepče": (0.8, "hr"),
}
DARK = {"Kostajnica": 0.32, "Novi Grad": 0.34, "Maglaj": 0.45}  # their weather is dark; starting SOC
WORDS = ("klupa", "park", "rasvjeta", "djeca", "igralište", "škola", "česma", "drveće", "kante", "staza",
         "autobus", "stanica", "most", "hlad", "treba", "više", "popraviti", "nova", "uz", "kod", "za")
EXPECTED_KINDS = ("silent", "low_battery", "port_fault", "controller_error")


def activity(hour: float) -> float:
    """Citizens per hour, relative: few at night, a peak at noon and one in the evening."""
    return (0.02 + 0.3 * math.exp(-((hour - 9.0) / 2.0) ** 2) + math.exp(-((hour - 12.5) / 1.5) ** 2)
            + 0.9 * math.exp(-((hour - 19.0) / 1.5) ** 2))


def at(day: int, hour: float) -> float:
    return day * DAY_S + hour * 3600.0


@dataclass(frozen=True)
class Options:
    days: int = 7
    seed: int = 1
    suggestions_per_peak_hour: float = 2.0  # in a town of activity 1.0
    supports_per_suggestion: float = 2.0


@dataclass(frozen=True)
class Scenario:
    """When things happen, in simulated seconds from START; laid out to fit any number of days."""

    outages: dict[str, tuple[float, float]]  # municipality -> (from, until)
    server_crash: float
    power_cut: tuple[str, float]
    port_fault: tuple[str, str, float, float]  # municipality, port, from, until
    controller_error: tuple[str, str, float, float]  # municipality, ERR code, from, until
    initiatives: list[tuple[float, str | None]]  # when, municipality (None: network-wide)
    moderation: list[float]

    @classmethod
    def for_days(cls, days: int) -> Scenario:
        last, mid, second = days - 1, days // 2, min(1, days - 1)
        long_outage = 20 * 3600.0 if days >= 3 else 5 * 3600.0
        return cls(
            outages={"Nevesinje": (at(second, 9), at(second, 9) + long_outage),
                     "Ravno": (at(last, 13), at(last, 16))},
            server_crash=at(mid, 14.5),
            power_cut=("Prijedor", at(mid, 12.25)),
            port_fault=("Žepče", "USB3", at(0, 11), at(0, 11.75)),
            controller_error=("Jablanica", "17", at(last, 10), at(last, 11)),
            initiatives=[(at(0, 10.5), "Trebinje"), (at(0, 16), None), (at(second, 12), "Nevesinje"),
                         (at(last, 9), "Mostar")],
            moderation=[at(day, hour) for day in range(days) for hour in (10, 16)])


@dataclass
class Balance:
    harvested_wh: float = 0.0
    used_wh: float = 0.0
    soc_min: float = 100.0
    soc_max: float = 0.0
    hours: Counter = field(default_factory=Counter)  # normal / saver / critical / off


class Bench:
    """One bench: controller model, power policy, store, sync client, citizens."""

    def __init__(self, town: str, token: str, folder: Path, server_port: int, options: Options,
                 scenario: Scenario, rng: random.Random) -> None:
        self.town, self.slug = town, slugify(town)
        self.id = f"{self.slug}-01"
        self.activity, self.language = TOWNS[town]
        self.options, self.rng = options, rng
        weather = ["dark"] if town in DARK else ["sunny", "sunny", "cloudy"]
        self.model_steps = simulate_days((weather * options.days)[:options.days], step_s=TICK_S,
                                         seed=rng.randrange(2**32), soc=DARK.get(town, 0.7))
        self.policy = EnergyPolicy()
        self.status = PowerStatus()
        self.outage = scenario.outages.get(town)
        self.proxy = FaultProxy(server_port, self._decide) if self.outage else None
        self.config = Config(bench_id=self.id, municipality=self.slug, token=token, data_dir=folder / self.id,
                             server_url=self.proxy.url if self.proxy else f"http://127.0.0.1:{server_port}")
        self.client = SyncClient(self.config)
        self.session = requests.Session()
        self.store = BenchStore(self.config.store_path)
        self.now = 0.0
        self.buffer: list[dict[str, Any]] = []
        self.newest: dict[str, Any] | None = None
        self.flushed_at = 0.0
        self.samples_recorded = 0  # written to the store
        self.samples_lost = 0  # still in memory when the controller cut the load
        self.next_round = 0.0
        self.failures = 0
        self.rounds = Counter()  # ok / failed
        self.last_ok: float | None = None
        self.reported_interval_s: float | None = None  # the sync interval of the last round's health
        self.delivered: dict[str, Any] | None = None  # the newest sample the server has
        self.overrides: dict[str, str] = {}  # fields forced into the controller's blocks (faults)
        self.balance = Balance()

    @property
    def offline(self) -> bool:
        return self.outage is not None and self.outage[0] <= self.now < self.outage[1]

    def _decide(self, method: str, path: str) -> str | None:
        return "reset_request" if self.offline else None

    @property
    def on(self) -> bool:
        return self.status.load_on is not False  # the controller cut the load: the bench is dark

    def tick(self) -> None:
        model, blocks = next(self.model_steps)
        self.now = model.time_s
        for source, fields in zip(("mppt", "ports"), blocks):
            fields = {**fields, **{k: v for k, v in self.overrides.items() if k in fields}}
            self.status = self.status.with_block(source, fields, at=self.now)
        change = self.policy.update(self.status, self.now)
        for port, on in change.port_commands if change else ():
            model.set_port(port, on)
        self._account()
        if not self.on:  # the computer lost power: samples not yet written are gone with it
            self.samples_lost += len(self.buffer)
            self.buffer = []
            return
        self.newest = telemetry_sample(self.status, START + timedelta(seconds=self.now))
        self.buffer.append(self.newest)
        self._citizens()
        if self.now >= self.next_round:
            self.sync()
        elif self.now - self.flushed_at >= FLUSH_EVERY_S:
            self.flush()

    def _account(self) -> None:
        b, s = self.balance, self.status
        b.harvested_wh += (s.solar_w or 0.0) * TICK_S / 3600.0
        b.used_wh += (s.value("IL") or 0.0) * (s.battery_v or 0.0) * TICK_S / 3600.0
        b.soc_min, b.soc_max = min(b.soc_min, s.soc_pct), max(b.soc_max, s.soc_pct)
        b.hours[self.policy.mode if self.on else "off"] += TICK_S / 3600.0

    def _citizens(self) -> None:
        hour = (self.now % DAY_S) / 3600.0
        rate = self.options.suggestions_per_peak_hour * self.activity * activity(hour) * TICK_S / 3600.0
        for _ in range(_poisson(self.rng, rate)):
            self.suggest()
        initiatives = self.store.initiatives(limit=100)
        for _ in range(_poisson(self.rng, rate * self.options.supports_per_suggestion) if initiatives else 0):
            self.store.add_support(self.rng.choice(initiatives)["id"])

    def suggest(self) -> None:
        words = self.rng.choices(WORDS, k=self.rng.randint(4, 25))
        contact = f"gradjanin{self.rng.randrange(10**4)}@example.org" if self.rng.random() < 0.2 else None
        self.store.add_suggestion(" ".join(words).capitalize() + ".", self.language, contact=contact,
                                  contact_consent=contact is not None)
        if not self.failures:  # SyncClient.wake(): a backoff after failures still applies
            self.next_round = min(self.next_round, self.now + WAKE_DELAY_S)

    def flush(self) -> None:
        self.store.add_telemetry(self.buffer)
        self.samples_recorded += len(self.buffer)
        self.buffer, self.flushed_at = [], self.now

    def sync(self, store: BenchStore | None = None) -> bool:
        """One real round; schedules the next one as the sync thread would."""
        self.flush()
        self.client.set_interval(self.policy.plan.sync_interval_s)  # as the kiosk does; its health reports it
        try:
            self.client.run_once(store or self.store, self.session)
        except SyncFailed as error:
            self.failures += 1
            self.rounds["failed"] += 1
            self.next_round = self.now + max(backoff_delay(self.failures), error.retry_after or 0.0)
            return False
        self.failures = 0
        self.rounds["ok"] += 1
        self.last_ok = self.now
        self.reported_interval_s = self.client.interval_s
        self.delivered = self.newest  # a successful round uploads every pending sample
        self.next_round = self.now + self.policy.plan.sync_interval_s
        return True

    def power_cut_mid_round(self) -> list[str]:
        """Two suggestions, then a round whose answer arrives after the bench lost power: the
        server stored them, ``mark_sent`` never ran. Returns their ids (pending after the cut)."""
        for _ in range(2):
            self.suggest()
        ids = [item["id"] for item in self.store.pending_batch("suggestions", 1000)]
        doomed = _DiesBeforeMarkSent(self.config.store_path)
        try:
            self.sync(doomed)
        except PowerCut:
            pass
        doomed.conn.close()  # no clean shutdown: the process is gone
        self.store.close()
        self.store = BenchStore(self.config.store_path)  # power back: the kiosk starts again
        self.session = requests.Session()
        self.next_round = self.now + TICK_S
        return ids

    def close(self) -> None:
        self.store.close()
        if self.proxy:
            self.proxy.close()


class PowerCut(BaseException):
    """Not an Exception: nothing in the round may catch it, as nothing survives a power cut."""


class _DiesBeforeMarkSent(BenchStore):
    def mark_sent(self, kind: str, ids: Any) -> int:
        raise PowerCut


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


# --- the fleet and its server ----------------------------------------------------------------

@dataclass
class AlertTally:
    """Per (town, kind): evaluations where the alert rightly fired, where it was missed, and
    where it fired although the bench's truth did not call for it."""

    fired: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    false: Counter = field(default_factory=Counter)

    def add(self, town: str, fired: set[str], must: set[str], maybe: set[str]) -> None:
        for kind in must | fired:
            if kind in must and kind in fired:
                self.fired[town, kind] += 1
            elif kind in must:
                self.missed[town, kind] += 1
            elif kind not in maybe:
                self.false[town, kind] += 1


def truth(bench: Bench, settings: Settings) -> tuple[set[str], set[str]]:
    """The alerts bench ``bench``'s own state calls for: (must fire, may fire)."""
    must, maybe = set(), set()
    quiet_s = bench.now - (bench.last_ok or 0.0)
    allowed_s = silent_after_s(bench.reported_interval_s, settings)
    if quiet_s > allowed_s + MARGIN_S:
        must.add("silent")
    elif quiet_s > allowed_s - MARGIN_S:
        maybe.add("silent")
    sample = bench.delivered
    if sample is not None:
        if sample.get("error"):
            must.add("controller_error")
        if sample.get("charge_state") == "fault":
            must.add("charge_fault")
        if any(port.get("state") == "fault" for port in (sample.get("ports") or {}).values()):
            must.add("port_fault")
        if sample.get("soc_pct") is not None and sample["soc_pct"] < settings.low_soc_pct:
            must.add("low_battery")
    return must, maybe


class Fleet:
    def __init__(self, options: Options, folder: Path) -> None:
        self.options, self.folder = options, folder
        self.rng = random.Random(options.seed)
        self.scenario = Scenario.for_days(options.days)
        self.settings = Settings()
        # The sample initiatives, generous rate limits, and the server's log in JSON lines.
        # The simulated days lie in the past: the server must not thin their telemetry as old.
        kept_days = (datetime.now(timezone.utc) - START).days + options.days + 1
        self.server = LiveServer.start_new(folder, extra_args=(
            "--rate-per-minute", "1000000", "--rate-burst", "100000", "--log-format", "json"),
            env={"SMART_BENCH_TELEMETRY_FULL_RESOLUTION_DAYS": str(kept_days)})
        self.db: Database = open_database(self.server.db_path)  # the moderators' and the dashboard's
        tokens = add_benches(self.db, [(f"{slugify(town)}-01", town) for town in TOWNS])
        password = f"fleet-{self.rng.randrange(10**12)}"
        add_user(self.db, "ngo-admin", "admin", password)
        for town in TOWNS:
            add_user(self.db, f"mod-{slugify(town)}", "moderator", password, [town])
        self.benches = [Bench(town, tokens[f"{slugify(town)}-01"], folder, self.server.port, options,
                              self.scenario, random.Random(self.rng.random())) for town in TOWNS]
        self.by_town = {bench.town: bench for bench in self.benches}
        self.by_id = {bench.id: bench for bench in self.benches}
        self.tally = AlertTally()
        self.published: list[tuple[str, str | None]] = []
        self.cut: dict[str, Any] = {}

    def timeline(self) -> list[tuple[float, Callable[[], None]]]:
        s = self.scenario
        fault_town, port, fault_from, fault_until = s.port_fault
        error_town, code, error_from, error_until = s.controller_error
        cut_town, cut_at = s.power_cut
        events = [(s.server_crash, lambda: self.server.stop(kill=True)),
                  (s.server_crash + SERVER_DOWN_S, self.server.start),
                  (cut_at, lambda: self.power_cut(self.by_town[cut_town])),
                  (fault_from, lambda: self.by_town[fault_town].overrides.update({port: "FAULT"})),
                  (fault_until, lambda: self.by_town[fault_town].overrides.pop(port)),
                  (error_from, lambda: self.by_town[error_town].overrides.update({"ERR": code})),
                  (error_until, lambda: self.by_town[error_town].overrides.pop("ERR"))]
        events += [(when, lambda town=town: self.publish(town)) for when, town in s.initiatives]
        events += [(when, self.moderate) for when in s.moderation]
        return sorted(events, key=lambda event: event[0])

    def run(self) -> None:
        events = self.timeline()
        for tick in range(1, round(self.options.days * DAY_S / TICK_S) + 1):
            now = tick * TICK_S
            while events and events[0][0] <= now:
                events.pop(0)[1]()
            for bench in self.benches:
                bench.tick()
            if now % ALERT_EVERY_S == 0:
                self.evaluate_alerts(now)
        for bench in self.benches:  # the last round of the week; a second try after a failed one
            bench.outage = None
            bench.sync() or bench.sync()

    def power_cut(self, bench: Bench) -> None:
        ids = bench.power_cut_mid_round()
        pending = {item["id"] for item in bench.store.pending_batch("suggestions", 1000)}
        self.cut = {"bench": bench.id, "ids": ids, "pending_after": sum(i in pending for i in ids)}

    def publish(self, town: str | None) -> None:
        actor = "ngo-admin" if town is None else f"mod-{slugify(town)}"
        where = town or "cijela mreža"
        texts = {"bs": {"title": f"Klupe u hladu ({where})", "summary": "Nove klupe uz šetnicu.",
                        "body": "Inicijativa nastala iz prijedloga građana na klupi."}}
        initiative_id = create_initiative(self.db, actor, municipality=town, texts=texts,
                                          original_language="bs", category="environment")
        publish_initiative(self.db, actor, initiative_id)
        self.published.append((initiative_id, town))

    def moderate(self) -> None:
        """Each municipality's moderator goes through the new suggestions."""
        received = self.db.execute("SELECT id, municipality FROM suggestions WHERE state = 'received' "
                                   "ORDER BY id").fetchall()
        for suggestion_id, slug in received:
            draw = self.rng.random()
            if draw < 0.7:
                confirm_suggestion(self.db, f"mod-{slug}", suggestion_id)
            elif draw < 0.8:
                decline_suggestion(self.db, f"mod-{slug}", suggestion_id, "Slična inicijativa već postoji.")

    def evaluate_alerts(self, now: float) -> None:
        moment = START + timedelta(seconds=now)
        for state in server_fleet.benches(self.db):
            bench = self.by_id[state.id]
            # The server's last contact is wall-clock time: the newest sample's time stands for it.
            state = replace(state, created_at=START.astimezone(timezone.utc),
                            last_contact_at=state.sample.at if state.sample else None)
            fired = {alert.kind for alert in alerts_for(state, moment, self.settings)}
            self.tally.add(bench.town, fired, *truth(bench, self.settings))

    def close(self) -> None:
        for bench in self.benches:
            bench.close()
        self.db.close()
        self.server.stop()


# --- the checks --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def check_items(fleet: Fleet, kind: str, same: str | None) -> Check:
    """Every item made on a bench is on the server once, from that bench; ``same`` names the
    columns that make two rows the same citizen's act (a resend under a new id would show). Not
    for supports: two taps on one initiative in the same millisecond are two taps here."""
    made: dict[str, str] = {}
    unsent = 0
    for bench in fleet.benches:
        for item_id, state in _rows(bench.config.store_path, f"SELECT id, sync_state FROM {kind}"):
            made[item_id] = bench.id
            unsent += state != "sent"
    stored = dict(_rows(fleet.server.db_path, f"SELECT id, bench_id FROM {kind}"))
    lost = made.keys() - stored.keys()
    unknown = stored.keys() - made.keys()
    misplaced = sum(stored[i] != made[i] for i in made.keys() & stored.keys())
    duplicated = same and _rows(fleet.server.db_path, f"SELECT count(*) FROM (SELECT 1 FROM {kind} "
                                                     f"GROUP BY bench_id, {same} HAVING count(*) > 1)")[0][0]
    ok = not (lost or unknown or misplaced or duplicated or unsent) and len(made) == len(stored)
    return Check(f"{kind}: created = stored", ok,
                 f"{len(made)} made on benches, {len(stored)} on the server; lost {len(lost)}, unknown "
                 f"{len(unknown)}, wrong bench {misplaced}, duplicated {duplicated}, left unsent {unsent}")


def check_telemetry(fleet: Fleet) -> Check:
    """Nothing left unsent, every sample a bench still holds is on the server, and the server has
    no more than the benches wrote. Fewer is allowed: a bench off for days comes back with samples
    older than a day, which its ring thins to one per 10 minutes before they are sent."""
    wrong, stored_total = [], 0
    for bench in fleet.benches:
        held = {_instant(at): sent for at, sent in _rows(bench.config.store_path, "SELECT at, sent FROM telemetry")}
        stored = {_instant(at) for (at,) in _rows(fleet.server.db_path, "SELECT at FROM telemetry WHERE "
                                                                       "bench_id = ?", (bench.id,))}
        stored_total += len(stored)
        if not all(held.values()) or held.keys() - stored or len(stored) > bench.samples_recorded:
            wrong.append(f"{bench.id}: {sum(not v for v in held.values())} unsent, "
                         f"{len(held.keys() - stored)} missing, {len(stored)}/{bench.samples_recorded} stored")
    recorded = sum(b.samples_recorded for b in fleet.benches)
    lost = sum(b.samples_lost for b in fleet.benches)
    return Check("telemetry: every sample the benches hold is stored", not wrong,
                 f"{recorded} samples written to the stores, {stored_total} on the server (the rest thinned by "
                 f"the ring), {lost} lost in memory at a load cut" + (f"; wrong: {wrong}" if wrong else ""))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_initiatives(fleet: Fleet) -> Check:
    visible = _rows(fleet.server.db_path, "SELECT id, municipality FROM initiatives WHERE status IN "
                                          f"({', '.join('?' * len(VISIBLE))})", VISIBLE)
    wrong = []
    for bench in fleet.benches:
        held = {row[0] for row in _rows(bench.config.store_path, "SELECT id FROM initiatives")}
        due = {i for i, municipality in visible if municipality in (None, bench.slug)}
        wrong += [f"{bench.id} misses {i[:8]}" for i in due - held]
        wrong += [f"{bench.id} holds {i[:8]}" for i in held - due]
    reach = []
    for initiative_id, town in fleet.published:
        holders = [b.id for b in fleet.benches if _rows(b.config.store_path, "SELECT 1 FROM initiatives "
                                                                          "WHERE id = ?", (initiative_id,))]
        reach.append(f"{town or 'network-wide'} -> {len(holders) if len(holders) > 1 else holders}")
    return Check("initiatives: on exactly the benches of their municipality", not wrong,
                 f"{len(visible)} visible; published during the run: {'; '.join(reach)}"
                 + (f"; wrong: {wrong}" if wrong else ""))


def check_power_cut(fleet: Fleet) -> Check:
    ids = fleet.cut.get("ids", [])
    stored = {row[0] for row in _rows(fleet.server.db_path, "SELECT id FROM suggestions")}
    ok = bool(ids) and fleet.cut["pending_after"] == len(ids) and set(ids) <= stored
    return Check("power cut mid-round: resent, stored once", ok,
                 f"{fleet.cut.get('bench')}: {len(ids)} suggestions accepted by the server but not marked sent; "
                 f"{fleet.cut.get('pending_after')} pending after reopening, all on the server: {set(ids) <= stored}")


def check_alerts(fleet: Fleet) -> list[Check]:
    tally, s = fleet.tally, fleet.scenario
    must = [(town, "silent") for town in s.outages] + [(town, "low_battery") for town in DARK if DARK[town] < 0.4]
    must += [(s.port_fault[0], "port_fault"), (s.controller_error[0], "controller_error")]
    absent = [f"{town}/{kind}" for town, kind in must if not tally.fired[town, kind]]
    fired = ", ".join(f"{town}/{kind} {n}" for (town, kind), n in sorted(tally.fired.items()))
    return [
        Check("alerts: the scenario's alerts fired", not absent,
              f"evaluations with the alert rightly on: {fired}" + (f"; never fired: {absent}" if absent else "")),
        Check("alerts: none missed, none false", not tally.missed and not tally.false,
              f"missed {dict(tally.missed) or 0}, false {dict(tally.false) or 0}"),
    ]


def check_health(fleet: Fleet) -> Check:
    reports = [json.loads(text or "{}") for (text,) in _rows(fleet.server.db_path, "SELECT health FROM benches")]
    complete = sum({"disk_free_bytes", "last_sync_error", "backlog", "store_bytes"} <= set(r) for r in reports)
    return Check("health reports: free disk and last sync error", complete == len(fleet.benches),
                 f"{complete} of {len(fleet.benches)} benches")


def checks(fleet: Fleet) -> list[Check]:
    return [check_items(fleet, "suggestions", "created_at, text"),
            check_items(fleet, "supports", None),
            check_telemetry(fleet), check_initiatives(fleet), check_power_cut(fleet),
            *check_alerts(fleet), check_health(fleet)]


# --- the report --------------------------------------------------------------------------------

def report(fleet: Fleet, results: list[Check], seconds: float) -> str:
    lines = [f"fleet: 12 benches, {fleet.options.days} simulated days from {START:%Y-%m-%d}, seed "
             f"{fleet.options.seed}: {seconds:.1f} s wall time",
             "",
             f"{'bench':<14} {'weather':<7} {'harvested':>9} {'used':>7} {'SOC min-max':>12}  "
             f"{'hours normal/saver/critical/off':<32} {'rounds ok/failed':>16} {'sugg.':>5}"]
    for bench in fleet.benches:
        b = bench.balance
        hours = "/".join(f"{b.hours[mode]:.1f}" for mode in ("normal", "saver", CRITICAL, "off"))
        made = _rows(bench.config.store_path, "SELECT count(*) FROM suggestions")[0][0]
        lines.append(f"{bench.id:<14} {'dark' if bench.town in DARK else 'mixed':<7} {b.harvested_wh:>7.0f}Wh "
                     f"{b.used_wh:>5.0f}Wh {b.soc_min:>5.1f}-{b.soc_max:>5.1f}%  {hours:<32} "
                     f"{bench.rounds['ok']:>9}/{bench.rounds['failed']:<6} {made:>5}")
    lines.append("")
    lines += [f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in results]
    return "\n".join(lines)


def simulate(options: Options, folder: Path) -> Fleet:
    """Run the whole scenario; the returned fleet's server is stopped, its files remain."""
    fleet = Fleet(options, folder)
    try:
        fleet.run()
    finally:
        fleet.close()
    return fleet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--short", action="store_true", help="the CI form: one day, fewer citizens")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the server's and benches' files in this folder")
    args = parser.parse_args(argv)
    options = Options(days=1, seed=args.seed, suggestions_per_peak_hour=1.0) if args.short else \
        Options(days=max(1, args.days), seed=args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fleet-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        fleet = simulate(options, folder)
        results = checks(fleet)
        print(report(fleet, results, time.monotonic() - started))
    return 0 if all(c.ok for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
