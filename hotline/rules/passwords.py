"""Staff passwords: what a new one must be, and how it is stored. Pure
functions: no Flask, no database.

The policy (等级保护 2.0's "identity" controls): at least MIN_LENGTH
characters; not a common password (common_passwords.txt beside this file,
compared case-insensitively), nor a common one with only digits or symbols
added after it ("woaini1314!"); and not containing the username.
`problems()` answers with reason codes; the edge (forms/passwords.py, the
command line) turns them into words.

Storage: Argon2id (argon2-cffi) with OWASP's parameters. Hashes of an earlier
method (Werkzeug's scrypt or pbkdf2, from the demo and older databases) still
verify, and `needs_rehash()` says to store a new hash at the next sign-in.
"""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 200
# A common password counts inside a longer one only from this length on, so a
# short entry ("love") refuses "love2026!" but nothing that merely starts with it.
MIN_COMMON_STEM = 4
# A username shorter than this ("li") is not looked for inside the password.
MIN_USERNAME = 3

TOO_SHORT = "too_short"
TOO_LONG = "too_long"
COMMON = "common"
HAS_USERNAME = "has_username"

COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

# OWASP's first choice for Argon2id: 19 MiB, two passes, one lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    """A common password, whatever its case, or one with only digits or
    symbols added after it."""
    text = password.lower()
    common = common_passwords()
    if text in common:
        return True
    # Cut the trailing digits and symbols one at a time: "a123456!" leaves
    # "a123456", "woaini1314!" leaves "woaini1314" and then "woaini".
    end = len(text)
    while end > 0 and not text[end - 1].isalpha():
        end -= 1
        if end >= MIN_COMMON_STEM and text[:end] in common:
            return True
    return False


def problems(password: str, username: str = "") -> list[str]:
    """Why this password may not be a staff account's ([] when it may)."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        found.append(TOO_LONG)
    if is_common(password):
        found.append(COMMON)
    name = username.strip().lower()
    if len(name) >= MIN_USERNAME and name in password.lower():
        found.append(HAS_USERNAME)
    return found


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored: str, password: str) -> bool:
    """Whether the password matches the stored hash, of any method we have used."""
    if stored.startswith("$argon2"):
        try:
            return HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # not a hash we know
        return False


def needs_rehash(stored: str) -> bool:
    """An older method or older parameters: store a new hash at the next sign-in."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
