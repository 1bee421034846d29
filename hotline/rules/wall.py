"""The public question wall (提问墙): which citizens' questions need the
moderator's eye before anyone may see them, and the states of a question on
the wall. Pure functions: no Flask, no database.

A question is flagged, never dropped: for a word on the office's sensitive
list (models/wall.py SensitiveWord, seeded with DEFAULT_WORDS), or for what
looks like a phone or ID card number in its text (the wall would publish it).
Words are matched ignoring case and the spaces or punctuation a sender puts
between the characters to slip past a list ("傻 逼", "f.u.c.k").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

MAX_WORD = 50  # a sensitive word, at most (the column's width)

# The list a new site starts with (the migration seeds it; the office edits it).
# Abuse and spam only: a question is never flagged for its subject.
DEFAULT_WORDS = (
    "傻逼", "他妈的", "操你", "去死", "滚蛋", "王八蛋",
    "加微信", "代开发票", "刷单", "博彩",
    "fuck", "shit",
)  # fmt: skip


class WallState(StrEnum):
    PENDING = "pending"  # not on the wall (yet): the moderator has not approved it
    APPROVED = "approved"  # on the wall, open for upvotes
    HIGHLIGHTED = "highlighted"  # on the wall, featured (one per show at most)
    ANSWERED = "answered"  # kept on the show page as answered; no more upvotes
    ARCHIVED = "archived"  # off every public page


# On the wall: shown on the show page and the overlay, open for upvotes.
ON_WALL = (WallState.HIGHLIGHTED, WallState.APPROVED)
# Shown on the show page (answered ones below the others).
PUBLIC = (*ON_WALL, WallState.ANSWERED)
# What the desk may mark an approved question as.
MARKS = (WallState.HIGHLIGHTED, WallState.APPROVED, WallState.ANSWERED, WallState.ARCHIVED)


class Review(StrEnum):
    """Why a question awaits the moderator's review before the wall."""

    NONE = ""
    WORDS = "words"  # a sensitive word, or a number that looks personal
    HELD = "held"  # from a browser or connection the moderator blocked


PERSONAL = "personal"  # the flag for a phone or ID card number in the text

# Spaces and punctuation (Unicode categories Z*, P*, S*) between characters.
_FILLER = re.compile(r"[\s\W_]+", re.UNICODE)
# A mainland mobile number (11 digits from 1[3-9]), a landline with its area
# code, or an ID card number (17 digits and a check digit), once the spaces and
# dashes a sender types between the digits are gone.
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s\-‐–—.()]+(?=\d)")
_NUMBERS = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}\d{7,8}|\d{17}[\dXx])(?![\dXx])")


def clean(word: str) -> str:
    """A word as it is kept: one line, single spaces, at most MAX_WORD characters."""
    return " ".join((word or "").split())[:MAX_WORD]


def _squeeze(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _FILLER.sub("", text)


def _latin(text: str) -> str:
    """Latin text as words are looked for in it: punctuation between letters
    gone ("f.u.c.k"), spaces kept, so "wash it" never reads as a word."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[^\w\s]+|_+", "", text)


def sensitive_words(text: str, words: Iterable[str]) -> list[str]:
    """The listed words found in `text`, in the list's order, each once. A
    Chinese word is found anywhere, whatever is typed between its characters;
    a Latin one where a word starts ("fuck" in "fucking", not in "wash it")."""
    squeezed, latin = _squeeze(text), _latin(text)
    found = []
    for word in words:
        if word.isascii():
            key = _latin(word).strip()
            hit = bool(key) and re.search(rf"(?<![a-z0-9]){re.escape(key)}", latin) is not None
        else:
            key = _squeeze(word)
            hit = bool(key) and key in squeezed
        if hit and word not in found:
            found.append(word)
    return found


def personal_numbers(text: str) -> bool:
    """Whether `text` holds what looks like a phone or ID card number."""
    text = unicodedata.normalize("NFKC", text or "")
    digits = _BETWEEN_DIGITS.sub("", text)
    return _NUMBERS.search(digits) is not None


def flags(text: str, words: Iterable[str]) -> list[str]:
    """Why `text` needs review: the sensitive words in it, then PERSONAL when it
    holds a number that looks personal. Empty when nothing is found."""
    found = sensitive_words(text, words)
    if personal_numbers(text):
        found.append(PERSONAL)
    return found


def review_for(found: list[str], blocked: bool) -> Review:
    """A blocked sender's question is held whatever it says; else flagged words hold it."""
    if blocked:
        return Review.HELD
    return Review.WORDS if found else Review.NONE
