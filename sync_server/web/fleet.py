"""The fleet dashboard for maintainers (`/fleet`, `/fleet/<bench>`) and `/metrics` for Prometheus.

The handlers are plain functions, so FastAPI runs them on its worker threads: the whole fleet is
about a second of CPU at 10 000 benches (JSON of 100 000 ports), which must not stall the bench API
on the event loop. Each worker thread has its own SQLite connection (ThreadLocalDatabases)."""
from __future__ import annotations

import gzip
import hmac
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from markupsafe import Markup

from .. import i18n
from ..clock import utcnow
from ..db import municipality_slugs
from ..services import fleet
from ..services.fleet import BenchState, Sample
from ..fleet import energy as fleet_energy
from ..fleet import metrics as fleet_metrics
from ..fleet.alerts import KINDS, Alert, alerts_for, worst_first_key
from ..fleet.charts import LOCAL_TIME, Series, line_chart
from ..fleet.history import history
from ..fleet.updates import settings_of, update_of
from ..settings import Settings
from .context import database, settings as app_settings
from .sessions import User, WebError, current_user, require_role
from .templating import language, render

router = APIRouter()
FLEET_ROLES = ("maintainer", "admin")
PERIODS = (("24h", timedelta(days=1)), ("7d", timedelta(days=7)))
# Worst first, so the first page is what needs a visit; 10 000 rows would be 4 MB of HTML.
PAGE_SIZE = 200
HISTORY_SHOWN = 20  # newest alert episodes on a bench's page


def _with_alerts(benches: list[BenchState], now: datetime, settings: Settings) -> list[tuple[BenchState, list[Alert]]]:
    return [(bench, alerts_for(bench, now, settings)) for bench in benches]


def _until(now: datetime, settings: Settings) -> datetime:
    """Samples dated after this are implausible: they are not shown (see services.fleet)."""
    return now + timedelta(seconds=settings.telemetry_max_ahead_s)


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else max((now - moment).total_seconds(), 0.0)


@router.get("/fleet", response_class=HTMLResponse)
def fleet_page(request: Request, only: str = "", municipality: str = "", page: int = Query(1, ge=1, le=10_000),
               user: User = Depends(require_role(*FLEET_ROLES))) -> Response:
    """Every bench, worst first, PAGE_SIZE to a page; ``?only=alerts`` keeps the benches that need
    a visit, ``?municipality=<slug>`` one municipality's. The counts are of the whole fleet."""
    db, now, settings = database(request), utcnow(), app_settings(request)
    rows = sorted(_with_alerts(fleet.benches(db, until=_until(now, settings)), now, settings),
                  key=lambda row: worst_first_key(*row))
    counts = {kind: sum(any(a.kind == kind for a in alerts) for _, alerts in rows) for kind in KINDS}
    total, alerting = len(rows), sum(bool(alerts) for _, alerts in rows)
    if only == "alerts":
        rows = [row for row in rows if row[1]]
    if municipality:
        rows = [row for row in rows if row[0].municipality == municipality]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render(request, "fleet/index.html", {
        "rows": [(bench, alerts, _seconds_since(bench.last_contact_at, now), fleet_energy.plan(bench.health),
                  update_of(bench), settings_of(bench))
                 for bench, alerts in shown],
        "names": municipality_slugs(db), "counts": counts, "total": total, "alerting": alerting,
        "matching": len(rows), "only": only, "municipality": municipality, "page": page, "pages": pages,
    })


def _charts(samples: list[Sample], now: datetime, lang: str) -> dict[str, list[Markup]]:
    """Per period, the bench's charts as inline SVG (already escaped where it holds text)."""
    text = i18n.translations(lang).gettext
    charts: dict[str, list[Markup]] = {}
    for name, length in PERIODS:
        start = now - length
        kept = [s for s in samples if s.at >= start]
        times = [s.at for s in kept]

        def series(label: str, values: list[float | None], step: bool = False) -> Series:
            return Series(text(label), list(zip(times, values)), step)

        def chart(key: str, title: str, unit: str, *lines: Series, **scale: float) -> Markup:
            return Markup(line_chart(f"{key}-{name}", text(title), unit, lines, start, now, **scale))

        charts[name] = [
            chart("soc", i18n.N_("Battery state of charge"), "%",
                  series(i18n.N_("state of charge"), [s.soc_pct for s in kept]), y_max=100),
            chart("volts", i18n.N_("Battery voltage"), "V", series(i18n.N_("voltage"), [s.battery_v for s in kept]),
                  y_min=10.0),  # a 12 V battery lives between 10.5 and 14.8 V
            chart("solar", i18n.N_("Solar power"), "W", series(i18n.N_("solar power"), [s.solar_w for s in kept])),
            chart("ports", i18n.N_("Charging ports in use"), "",
                  series(i18n.N_("ports on"), [float(s.ports_on) if s.ports else None for s in kept], step=True),
                  series(i18n.N_("current (A)"), [s.ports_current_a if s.ports else None for s in kept])),
        ]
    return charts


@router.get("/fleet/{bench_id}", response_class=HTMLResponse)
def bench_page(request: Request, bench_id: str, user: User = Depends(require_role(*FLEET_ROLES))) -> Response:
    db, now, settings = database(request), utcnow(), app_settings(request)
    bench = fleet.bench(db, bench_id, _until(now, settings))
    if bench is None:
        raise WebError(404, i18n.N_("There is no such bench."))
    samples = fleet.samples_since(db, bench.id, now - PERIODS[-1][1], _until(now, settings))
    episodes = history(bench, samples, settings, now)
    return render(request, "fleet/bench.html", {
        "bench": bench, "alerts": alerts_for(bench, now, settings),
        "history": episodes[:HISTORY_SHOWN], "history_total": len(episodes),
        "since": _seconds_since(bench.last_contact_at, now), "names": municipality_slugs(db),
        "charts": _charts(samples, now, language(request)), "zone": LOCAL_TIME,
        "plan": fleet_energy.plan(bench.health), "usage": fleet_energy.port_usage(samples),
        "update": update_of(bench), "remote": settings_of(bench),
    })


def _may_read_metrics(request: Request, settings: Settings) -> bool:
    """Prometheus with the metrics token, or a maintainer or admin logged in to the pages. A bench
    token is neither (bench tokens are only ever compared as hashes, by the bench API)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if settings.metrics_token and scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), settings.metrics_token.encode()):
        return True
    user = current_user(request)
    return user is not None and user.role in FLEET_ROLES


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> Response:
    settings = app_settings(request)
    if not _may_read_metrics(request, settings):
        return PlainTextResponse("a metrics token or a maintainer login is required\n", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    db, now = database(request), utcnow()
    benches = fleet.benches(db, until=_until(now, settings))
    alerts = {bench.id: found for bench, found in _with_alerts(benches, now, settings)}
    body = fleet_metrics.render(fleet_metrics.fleet_families(benches, alerts, fleet.suggestion_counts(db), now)).encode()
    if "gzip" in request.headers.get("accept-encoding", ""):
        # Prometheus asks for gzip: 10 000 benches are ~6 MB of text and ~0.5 MB compressed.
        return Response(gzip.compress(body, compresslevel=1), media_type=fleet_metrics.CONTENT_TYPE,
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(body, media_type=fleet_metrics.CONTENT_TYPE, headers={"Vary": "Accept-Encoding"})
