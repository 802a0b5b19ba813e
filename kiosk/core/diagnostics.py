"""The technician's ten-second look: one traffic light per part of the bench (power, battery,
ports, serial link, sync, storage), each with the fact that decided it. Pure: the screen
translates the facts (``Light.fact`` is a message id with ``{placeholders}`` for ``values``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from hardware.status import PowerStatus

OK, WARN, FAULT, UNKNOWN = "ok", "warn", "fault", "unknown"
LOCAL_ZONE = ZoneInfo("Europe/Sarajevo")  # the time shown to people on every bench
BAD_BLOCKS_WARN = 0.05  # a link losing more than 1 block in 20 is failing
SYNC_STALE_S = 24 * 3600  # no sync for a day: the bench's ideas are not reaching anyone
BACKLOG_STALE_S = 24 * 3600


def local_time(moment: datetime | None) -> str:
    """A time as the people of the bench read it: Sarajevo time, to the minute."""
    if moment is None:
        return "–"
    return moment.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y. %H:%M")


@dataclass(frozen=True)
class Light:
    topic: str   # power | battery | ports | link | sync | storage
    level: str   # ok | warn | fault | unknown
    fact: str    # a message id, translated by the screen
    values: Mapping[str, Any] = field(default_factory=dict)


def power_light(power: PowerStatus) -> Light:
    if power.error is not None or power.charge_state == "fault":
        return Light("power", FAULT, "Charger fault: {error}", {"error": power.error or power.charge_state})
    if power.solar_w is None:
        return Light("power", UNKNOWN, "No reading from the charger")
    return Light("power", OK, "{watts} W from the solar panel", {"watts": f"{power.solar_w:.0f}"})


def battery_light(power: PowerStatus, *, warn_below_pct: float, fault_below_pct: float) -> Light:
    if power.soc_pct is None:
        return Light("battery", UNKNOWN, "No reading from the battery")
    level = FAULT if power.soc_pct < fault_below_pct else WARN if power.soc_pct < warn_below_pct else OK
    volts = "–" if power.battery_v is None else f"{power.battery_v:.1f}"
    return Light("battery", level, "{percent} % charged, {volts} V", {"percent": f"{power.soc_pct:.0f}", "volts": volts})


def ports_light(power: PowerStatus) -> Light:
    ports = power.ports
    if not ports:
        return Light("ports", UNKNOWN, "No port reported")
    broken = sorted(name for name, port in ports.items() if port.state == "fault")
    if broken:
        return Light("ports", FAULT, "Out of order: {ports}", {"ports": ", ".join(broken)})
    on = sum(port.state == "on" for port in ports.values())
    return Light("ports", OK if on == len(ports) else WARN, "{on} of {total} on", {"on": on, "total": len(ports)})


def link_light(power: PowerStatus) -> Light:
    links = list(power.links.values())
    if not links:
        return Light("link", UNKNOWN, "No power controller configured.")
    down = [link.name for link in links if not link.connected]
    if down:
        return Light("link", FAULT, "Not connected: {links}", {"links": ", ".join(down)})
    ok, bad = sum(link.frames_ok for link in links), sum(link.frames_bad for link in links)
    level = WARN if bad > BAD_BLOCKS_WARN * max(1, ok + bad) else OK
    return Light("link", level, "{ok} blocks read, {bad} damaged", {"ok": ok, "bad": bad})


def sync_light(sync: Any, now: datetime) -> Light:
    if sync is None:
        return Light("sync", UNKNOWN, "Sync: not running.")
    last = local_time(sync.last_success_at)
    if sync.online:
        return Light("sync", OK, "Last contact with the server: {time}", {"time": last})
    stale = sync.last_success_at is None or (now - sync.last_success_at).total_seconds() > SYNC_STALE_S
    return Light("sync", FAULT if stale else WARN, "No server since {time}", {"time": last})


def storage_light(backlog: Mapping[str, Any], size_bytes: int, now: datetime) -> Light:
    waiting = backlog["suggestions"] + backlog["supports"]
    oldest = backlog.get("oldest_pending_at")
    old = oldest is not None and (now - datetime.fromisoformat(oldest.replace("Z", "+00:00"))).total_seconds() > BACKLOG_STALE_S
    return Light("storage", WARN if old else OK, "{kib} KiB, {waiting} waiting to be sent",
                 {"kib": f"{size_bytes / 1024:.0f}", "waiting": waiting})


def summary(power: PowerStatus, sync: Any, backlog: Mapping[str, Any], size_bytes: int, now: datetime, *,
            warn_below_pct: float, fault_below_pct: float) -> list[Light]:
    """The six lights, in the order the screen shows them."""
    return [power_light(power), battery_light(power, warn_below_pct=warn_below_pct, fault_below_pct=fault_below_pct),
            ports_light(power), link_light(power), sync_light(sync, now), storage_light(backlog, size_bytes, now)]
