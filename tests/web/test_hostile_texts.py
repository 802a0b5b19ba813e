"""Hostile texts, sent the way a bench sends them (and through the phone, the initiative editor, a
decline reason and a membership application), shown on every page that shows text: no script may
run, nothing may complain in the console, nothing may widen the phone's page."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

from kiosk.core.handoff import continue_url
from sync_server.db import open_database
from sync_server.services.initiatives import create_initiative, publish_initiative
from sync_server.services.people import SYSTEM
from sync_server.services.public import add_update
from tests.web.browser import assert_clean, login, open_page, shot
from tests.web.conftest import Web, csrf
from tests.web.helpers import bench_suggestion

PWN = "window.__pwned=1"
STORED = [
    f"<script>{PWN};alert('script')</script>",
    f'<img src=x onerror="{PWN};alert(\'img\')">',
    f'"><svg onload="{PWN};alert(\'svg\')"></svg><iframe src="javascript:{PWN}">',
    f"<a href=\"javascript:{PWN};alert('link')\">klikni ovdje</a> javascript:alert(1)",
    "\u202eevil reversed text\u202c, then normal \u2066isolate",
    "🙂👍🏽🇧🇦 " * 60,
    "Ž" * 2000,  # one 2000-letter word: the widest thing a bench can send
    "{{ 7*7 }} {% raw %} %(name)s %s ${7*7} </textarea></title></style><style>body{display:none}</style>",
    "line\n" * 80 + "</p></div></main><h1>fake</h1>",
]
REFUSED_ITEMS = {"x" * 9_999: "text_too_long", "NUL\x00byte": "invalid_text"}


def _post(web: Web, texts: list[str]) -> requests.Response:
    _, token = web.bench("zepce")
    now = datetime.now(timezone.utc).isoformat()
    return requests.post(f"{web.url}/api/v1/suggestions", headers={"Authorization": f"Bearer {token}"}, json={
        "items": [{"id": str(uuid.uuid4()), "created_at": now, "text": t, "language": "bs"} for t in texts]})


def _hostile_initiative(web: Web) -> str:
    db = open_database(web.server.db_path)
    try:
        texts = {"bs": {"title": STORED[1] + " " + "Ž" * 150, "summary": STORED[0], "body": STORED[4] + STORED[7]},
                 "sr": {"title": "<script>" + PWN + "</script> Љубиње", "summary": STORED[2], "body": STORED[3]}}
        initiative_id = create_initiative(db, SYSTEM, municipality="zepce", texts=texts, original_language="bs")
        publish_initiative(db, SYSTEM, initiative_id)
        add_update(db, SYSTEM, initiative_id, "bs", STORED[0] + STORED[6][:500])
        return initiative_id
    finally:
        db.close()


def test_hostile_texts_on_every_page(web: Web, browser: Any, artifacts: Path) -> None:
    answer = _post(web, list(REFUSED_ITEMS)).json()
    assert sorted(r["reason"] for r in answer["rejected"]) == sorted(REFUSED_ITEMS.values())
    assert _post(web, ["x" * 100_000]).status_code == 422
    stored = [bench_suggestion(web, text) for text in STORED]
    initiative_id = _hostile_initiative(web)
    admin = web.session("admin")
    # a hostile decline reason, which the citizen reads on the receipt page
    declined_id, declined_receipt = stored[0]
    token = csrf(admin.get(f"{web.url}/moderation/suggestions/{declined_id}").text)
    admin.post(f"{web.url}/moderation/suggestions/{declined_id}/decline",
               data={"csrf_token": token, "reason": STORED[1] + STORED[6]})
    join = requests.Session()
    join.post(f"{web.url}/join", data={"csrf_token": csrf(join.get(f"{web.url}/join").text),
                                       "organisation": STORED[2], "registration_number": STORED[0][:60],
                                       "municipality": "zepce", "email": "x@example.org", "focus": STORED[6]})
    bench_id, bench_token = web.bench("zepce")
    phone_link = continue_url(web.url, bench_id, bench_token, str(uuid.uuid4()), STORED[0] + STORED[6], "bs")

    public = [f"/r/{receipt}" for _, receipt in stored] + [
        "/", f"/i/{initiative_id}", f"/i/{initiative_id}?lang=sr-Latn", f"/i/{initiative_id}?lang=sr",
        phone_link.removeprefix(web.url), f"/suggest?i={initiative_id}", "/suggest?m=zepce&lang=sr"]
    staff = ["/moderation?state=all", "/moderation/initiatives", f"/moderation/initiatives/{initiative_id}",
             "/admin/applications"] + [f"/moderation/suggestions/{sid}" for sid, _ in stored]
    with open_page(browser) as (page, watch):
        for path in public:
            page.goto(web.url + path)
            assert_clean(page, watch, path)
        shot(page, artifacts, "hostile-continue-phone")
        page.goto(f"{web.url}/i/{initiative_id}?lang=sr")
        shot(page, artifacts, "hostile-initiative-phone-sr")
        login(page, web.url, "admin")
        for path in staff:
            page.goto(web.url + path)
            assert_clean(page, watch, path)
        page.goto(f"{web.url}/moderation?state=all")
        shot(page, artifacts, "hostile-queue-phone")
        page.goto(f"{web.url}/r/{declined_receipt}")
        assert PWN in page.text_content("main")  # shown as text, not run
        shot(page, artifacts, "hostile-receipt-phone")
