"""Verification codes (核验码) of the claims the site shows: what a code looks
like, how one is made and how what a reader typed back is read. Pure: no Flask,
no database (hotline/changes/versions.py issues them).

A code is 7 characters of Crockford's base32 (the digits and the letters but
I, L, O and U): about 34 billion codes, short enough to read off a television
screen or a printed list. It is shown grouped, K7Q-M2XD, and typed back in any
case, with or without the dash or spaces; O is read as 0 and I or L as 1, the
characters they are mistaken for.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 7
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = " -‐‑–—_.·"


def new_code() -> str:
    """A random code, bare (no dash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str | None) -> str | None:
    """What was typed → the bare code, or None when it cannot be one."""
    text = (text or "")[:40].strip().upper().translate(_MISREAD)
    bare = "".join(ch for ch in text if ch not in _SEPARATORS)
    if len(bare) != LENGTH or any(ch not in ALPHABET for ch in bare):
        return None
    return bare


def display(code: str) -> str:
    """The code as shown: K7Q-M2XD."""
    return f"{code[:3]}-{code[3:]}"
