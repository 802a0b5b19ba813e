"""Staged rollout of releases from the fleet pages (`/fleet/releases`): the published releases,
how many benches run each version, the rollouts so far, and, for administrators, the form that
offers a release to one bench, a municipality or the whole network."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..fleet.updates import benches_per_version, local_time, update_of
from ..services import fleet, releases
from ..services.logins import User
from .context import database
from .guards import run
from .sessions import require_role, verify_csrf
from .templating import render

router = APIRouter(prefix="/fleet")
viewer = require_role("maintainer", "admin")
administrator = require_role("admin")


@router.get("/releases", response_class=HTMLResponse)
def releases_page(request: Request, user: User = Depends(viewer)) -> Response:
    db = database(request)
    benches = fleet.benches(db)
    return render(request, "fleet/releases.html", {
        "releases": [{**release, "published_at": local_time(release["published_at"])} for release in releases.releases(db)],
        "rollouts": [{**rollout, "created_at": local_time(rollout["created_at"])} for rollout in releases.rollouts(db)],
        "per_version": benches_per_version(benches), "names": municipality_slugs(db),
        "updating": [(bench, update_of(bench)) for bench in benches
                     if not bench.revoked and update_of(bench).state not in (None, "current")],
        "bench_ids": [bench.id for bench in benches if not bench.revoked],
    })


@router.post("/releases", dependencies=[Depends(verify_csrf)])
async def roll_out(request: Request, user: User = Depends(administrator)) -> Response:
    """Offer a release: scope "bench" takes the `bench` field, "municipality" the `municipality` one."""
    form = await request.form()
    scope = str(form.get("scope", ""))
    target = str(form.get(scope, "")) if scope in ("bench", "municipality") else ""
    run(lambda: releases.roll_out(database(request), str(form.get("version", "")), scope, target, user.username))
    return RedirectResponse("/fleet/releases", status_code=303)
