""""I support this" from a phone: one per browser per initiative, counted with the benches' taps.

The browser is known by a random cookie; the server keeps only a keyed hash of it (HMAC with a
server secret), never with an address, so the table says which initiatives one unnamed browser
supported and nothing else. The count every page and bench shows is `initiatives.support_count`,
which bench and web supports both raise (and a raise is a change the benches pull)."""
from __future__ import annotations

import hashlib
import hmac

from ..clock import now_iso
from ..db import Database, next_seq, transaction
from .initiatives import VISIBLE
from .logins import secret


def browser_key(db: Database, cookie: str) -> str:
    return hmac.new(secret(db, "browser"), cookie.encode(), hashlib.sha256).hexdigest()


def has_supported(db: Database, initiative_id: str, cookie: str | None) -> bool:
    if not cookie:
        return False
    return db.execute("SELECT 1 FROM web_supports WHERE initiative_id = ? AND browser = ?",
                      [initiative_id, browser_key(db, cookie)]).fetchone() is not None


def support_from_web(db: Database, initiative_id: str, cookie: str) -> bool:
    """Count this browser's support once; False if it had supported already (or the initiative
    is not public any more): nothing changes then."""
    key = browser_key(db, cookie)
    with transaction(db):
        row = db.execute("SELECT status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
        if row is None or row[0] not in VISIBLE:
            return False
        inserted = db.execute("INSERT OR IGNORE INTO web_supports (initiative_id, browser, created_at) "
                              "VALUES (?, ?, ?)", [initiative_id, key, now_iso()]).rowcount
        if inserted:
            db.execute("UPDATE initiatives SET support_count = support_count + 1, seq = ? WHERE id = ?",
                       [next_seq(db), initiative_id])
    return bool(inserted)
