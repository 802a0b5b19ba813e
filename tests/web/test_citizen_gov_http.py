"""Issue #11 over HTTP against the live server: the municipality's official answers an initiative
(on the phone page, the portal, the feed and the audit trail; nobody else may), and an action's
events are joined from phones (once per browser) and benches (idempotent), listed on the portal,
and exported for the NGO."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid
from datetime import datetime, timedelta

import requests

from tests.web.conftest import ROOT, Web, csrf

BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"  # sample, Trebinje, in progress, Serbian Cyrillic
BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"   # sample, Žepče, published


def answer(web: Web, session: requests.Session, initiative_id: str, **fields: str) -> requests.Response:
    page = session.get(f"{web.url}/official/initiatives/{initiative_id}")
    assert page.status_code == 200, page.text[:300]
    return session.post(f"{web.url}/official/initiatives/{initiative_id}",
                        data={"csrf_token": csrf(page.text), **fields}, allow_redirects=False)


def add_event(web: Web, session: requests.Session, initiative_id: str, when: datetime, place: str,
              **fields: str) -> requests.Response:
    page = session.get(f"{web.url}/moderation/initiatives/{initiative_id}")
    return session.post(f"{web.url}/moderation/initiatives/{initiative_id}/event", data={
        "csrf_token": csrf(page.text), "starts_at": when.strftime("%Y-%m-%dT%H:%M"), "place": place, **fields},
        allow_redirects=False)


def test_the_official_answers_for_the_municipality(web: Web) -> None:
    official = web.session("official-trebinje")
    overview = official.get(f"{web.url}/official")
    assert "Бициклистичка стаза" in overview.text or "Biciklistička staza" in overview.text
    response = answer(web, official, BIKES, decision="under_study", decided_on="2026-11-30",
                      text_sr="Општина је наручила пројекат стазе.", text_en="The municipality ordered a design.")
    assert response.status_code == 303 and response.headers["location"] == f"/i/{BIKES}"
    page = requests.get(f"{web.url}/i/{BIKES}?lang=sr-Latn")
    assert 'class="official"' in page.text and "Opština je naručila projekat staze." in page.text
    assert "2026-11-30" in page.text
    english = requests.get(f"{web.url}/i/{BIKES}?lang=en").text
    assert "The municipality&#39;s official response" in english and "Under study" in english
    assert "The municipality ordered a design." in english
    portal = requests.get(f"{web.url}/?municipality=trebinje&lang=en").text
    assert "The municipality: Under study" in portal
    _, token = web.bench("trebinje")
    feed = requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"}).json()
    item = next(i for i in feed["items"] if i["id"] == BIKES)
    assert item["official_response"]["decision"] == "under_study"
    assert item["official_response"]["texts"]["sr"] == "Општина је наручила пројекат стазе."
    assert web.server.rows("SELECT actor, to_state FROM audit WHERE entity_id = ? AND action = 'official-response'",
                           [BIKES])[-1] == ("official-trebinje", "under_study")


def test_only_the_municipalitys_own_official_answers(web: Web) -> None:
    other = web.session("official-zepce")
    assert other.get(f"{web.url}/official/initiatives/{BIKES}").status_code == 404
    moderator = web.session("mod-trebinje")
    assert moderator.get(f"{web.url}/official/initiatives/{BIKES}").status_code == 403
    anonymous = requests.get(f"{web.url}/official", allow_redirects=False)
    assert anonymous.status_code in (303, 307) and "/login" in anonymous.headers["location"]
    # a bad decision or date changes nothing
    official = web.session("official-zepce")
    before = web.server.rows("SELECT count(*) FROM official_responses")
    refused = answer(web, official, BINS, decision="maybe", decided_on="2026-11-30", text_bs="Možda.")
    assert refused.status_code == 422 and "Odaberite odluku i njen datum" in refused.text
    assert answer(web, official, BINS, decision="accepted", decided_on="", text_bs="Da.").status_code == 422
    assert answer(web, official, BINS, decision="accepted", decided_on="2026-11-30").status_code == 422
    assert answer(web, official, BINS, decision="accepted", decided_on="30.11.2026", text_bs="Da.").status_code == 422
    assert web.server.rows("SELECT count(*) FROM official_responses") == before


def test_add_user_makes_an_official(web: Web, tmp_path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run([sys.executable, "-m", "sync_server", "add-user", "nacelnik", "--role", "official",
                           "--municipality", "Trebinje", "--db", str(db)], input="a long password here\n",
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    bad = subprocess.run([sys.executable, "-m", "sync_server", "add-user", "bez", "--role", "official",
                          "--db", str(db)], input="a long password here\n", capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "official needs at least one --municipality" in bad.stderr


def test_an_action_is_joined_from_phones_and_benches(web: Web) -> None:
    moderator = web.session("mod-trebinje")
    when = datetime.now() + timedelta(days=3)
    added = add_event(web, moderator, BIKES, when, "Платани, код фонтане", needed="Рукавице и кесе",
                      people_wanted="20")
    assert added.status_code == 303, added.text[:400]
    event_id = web.server.rows("SELECT id, starts_at FROM action_events WHERE place = ?", ["Платани, код фонтане"])[0][0]
    phone = requests.Session()
    page = phone.get(f"{web.url}/i/{BIKES}?lang=en")
    assert "Join the action" in page.text and "0 people have joined, 20 wanted" in page.text

    def join(session: requests.Session, **fields: str) -> requests.Response:
        form = session.get(f"{web.url}/i/{BIKES}?lang=en")
        return session.post(f"{web.url}/i/{BIKES}/join?lang=en",
                            data={"csrf_token": csrf(form.text), "event_id": event_id, **fields})

    first = join(phone)
    assert "Thank you for joining!" in first.text and "1 person has joined, 20 wanted" in first.text
    second = join(phone)
    assert "You have already joined this event." in second.text and "1 person has joined" in second.text
    no_consent = join(requests.Session(), email="ana@example.org")
    assert no_consent.status_code == 422
    with_mail = join(requests.Session(), email="ana@example.org", consent="yes")
    assert "2 people have joined" in with_mail.text
    # the bench: a new kind of item, idempotent by id
    _, token = web.bench("trebinje")
    item = {"id": str(uuid.uuid4()), "created_at": "2026-12-01T10:00:00Z", "event_id": event_id}
    for _ in range(2):
        answer_ = requests.post(f"{web.url}/api/v1/joins", json={"items": [item]},
                                headers={"Authorization": f"Bearer {token}"}).json()
        assert answer_ == {"accepted": [item["id"]], "rejected": []}
    _, zepce_token = web.bench("zepce")
    elsewhere = requests.post(f"{web.url}/api/v1/joins", headers={"Authorization": f"Bearer {zepce_token}"},
                              json={"items": [{**item, "id": str(uuid.uuid4())}]}).json()
    assert elsewhere["rejected"][0]["reason"] == "unknown_event"
    feed = requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"}).json()
    event = next(i for i in feed["items"] if i["id"] == BIKES)["events"][0]
    assert event["join_count"] == 3 and event["people_wanted"] == 20 and event["place"] == "Платани, код фонтане"
    assert "3 people have joined" in requests.get(f"{web.url}/moderation/initiatives/{BIKES}?lang=en",
                                                  cookies=moderator.cookies).text
    export = moderator.get(f"{web.url}/moderation/initiatives/{BIKES}/joins.csv")
    assert export.status_code == 200 and "ana@example.org" in export.text and when.strftime("%Y-%m-%d %H:%M") in export.text
    assert web.session("mod-zepce").get(f"{web.url}/moderation/initiatives/{BIKES}/joins.csv").status_code == 404
    portal = requests.get(f"{web.url}/?municipality=trebinje&lang=en").text
    assert "Upcoming actions" in portal and "Платани, код фонтане" in portal
    assert "Upcoming actions" not in requests.get(f"{web.url}/?municipality=mostar&lang=en").text


def test_events_refuse_bad_input(web: Web) -> None:
    moderator = web.session("mod-trebinje")
    before = web.server.rows("SELECT count(*) FROM action_events")
    past = add_event(web, moderator, BIKES, datetime.now() - timedelta(days=1), "Park")
    assert past.status_code == 422
    assert add_event(web, moderator, BIKES, datetime.now() + timedelta(days=1), "").status_code == 422
    assert add_event(web, moderator, BIKES, datetime.now() + timedelta(days=1), "Park",
                     people_wanted="many").status_code == 422
    assert web.server.rows("SELECT count(*) FROM action_events") == before
