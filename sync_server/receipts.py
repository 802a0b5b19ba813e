"""Receipt codes: 8 Crockford base32 characters, shown as XXXX-XXXX, typed by people."""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's decoding aliases for letters people confuse with digits.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_receipt(value: object) -> str | None:
    """Canonical 'XXXX-XXXX' for a code in any case, dashes and white space anywhere (a tab or a
    line break pasted with it too), as the bench reads it; None if invalid."""
    if not isinstance(value, str) or len(value) > 20:
        return None
    compact = "".join(value.split()).replace("-", "").upper().translate(_ALIASES)
    if len(compact) != 8 or any(c not in ALPHABET for c in compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"


def draw_receipt() -> str:
    """A fresh random code in the canonical form ('XXXX-XXXX'), as it is stored and compared."""
    compact = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{compact[:4]}-{compact[4:]}"
