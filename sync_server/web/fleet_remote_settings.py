"""Remote settings on the fleet pages (`/fleet/settings`): every saved layer (network,
municipality, bench), the form that edits one (administrators), and which benches refused a
version, with the reason they reported."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..fleet.updates import local_time, setting_text, settings_of
from ..services import fleet, remote_settings
from ..services.errors import InvalidInput
from ..services.logins import User
from .context import database
from .guards import run
from .sessions import require_role, verify_csrf
from .templating import render

router = APIRouter(prefix="/fleet")
viewer = require_role("maintainer", "admin")
administrator = require_role("admin")


def _page(request: Request, scope: str, target: str, fields: dict[str, str] | None = None,
          invalid: list[str] | None = None, status_code: int = 200) -> Response:
    db = database(request)
    if scope not in remote_settings.SCOPES:
        scope, target = "network", ""
    layer = remote_settings.layer(db, scope, target)
    benches = [bench for bench in fleet.benches(db) if not bench.revoked]
    if fields is None:
        fields = {key: setting_text(value) for key, value in (layer["values"] if layer else {}).items()}
    return render(request, "fleet/settings.html", {
        "scope": scope, "target": "" if scope == "network" else target, "layer": layer, "fields": fields,
        "keys": remote_settings.KEYS, "invalid": invalid or [],
        "saved_at": local_time(layer["updated_at"]) if layer else None,
        "layers": [{**saved, "shown": {key: setting_text(value) for key, value in sorted(saved["values"].items())}}
                   for saved in remote_settings.layers(db)],
        "names": municipality_slugs(db), "bench_ids": [bench.id for bench in benches],
        "applied": [(bench, settings_of(bench)) for bench in benches],
    }, status_code)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, scope: str = "network", target: str = "",
                  user: User = Depends(viewer)) -> Response:
    """``?scope=network|municipality|bench&target=<slug or bench id>`` opens that layer's form."""
    return _page(request, scope, target[:64])


@router.post("/settings", dependencies=[Depends(verify_csrf)])
async def save_settings(request: Request, user: User = Depends(administrator)) -> Response:
    """Replace one layer: an empty field inherits from the layer above. A value of the wrong kind
    shows the form again with the field marked, and changes nothing."""
    form = await request.form()
    scope, target = str(form.get("scope", "")), str(form.get("target", ""))[:64]
    fields = {key: str(form.get(key, "")).strip() for key in remote_settings.KEYS}
    invalid = []
    for key, text in fields.items():
        try:
            remote_settings.parse_form({key: text})
        except InvalidInput:
            invalid.append(key)
    if invalid:
        return _page(request, scope, target, fields, invalid, status_code=422)
    values = remote_settings.parse_form(fields)
    run(lambda: remote_settings.save_layer(database(request), scope, target, values, user.username))
    return RedirectResponse("/fleet/settings?" + urlencode({"scope": scope, "target": target, "saved": "1"}),
                            status_code=303)
