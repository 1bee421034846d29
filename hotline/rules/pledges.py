"""A pledge must say how it will be checked: the phrases that promise an effort
instead of a result (加强、研究、尽快…), found in what is typed so the desk can
flag them as the official speaks. A warning, never a block: the words are the
official's own and the moment must not be lost.

The reviewed list is below, each phrase with what it leaves unsaid; the office
adds its own (models/pledges.py, Administration → Vague phrases). Chinese is
matched anywhere in the text, English as whole words, ignoring case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A pledge's terms: how it will be checked (the commitment's columns, the
# forms' fields, the open data's and the webhooks' keys, in this order).
TERMS = ("deliverable", "place", "measure", "criterion")

# What a phrase leaves unsaid (labels.vague_hint words each for the desk).
NO_DATE = "no_date"  # says no date: by when?
EFFORT = "effort"  # an effort, not a result: what will be done?
STUDY = "study"  # a study or a meeting, not a result
HEDGE = "hedge"  # a hope, not a promise
GRADUAL = "gradual"  # no end point: how much, by when?
UNDEFINED = "undefined"  # a quality no one can check: what does it mean?
OFFICE = "office"  # on the office's own list

VAGUE = {
    NO_DATE: (
        "尽快", "尽早", "适时", "择机", "近期", "抓紧", "及早", "早日",
        "as soon as possible", "asap", "in due course", "when appropriate", "soon", "promptly",
    ),
    EFFORT: (
        "加强", "进一步", "积极", "着力", "加大力度", "高度重视", "认真对待", "大力",
        "strengthen", "further", "actively", "step up", "make efforts", "pay attention",
    ),
    STUDY: (
        "研究", "协调", "考虑", "视情况", "原则上", "调研", "探索",
        "study", "look into", "coordinate", "consider", "explore",
    ),
    HEDGE: (
        "争取", "力争", "尽量", "尽可能", "努力",
        "strive", "endeavour", "endeavor", "try to", "aim to", "where possible",
    ),
    GRADUAL: ("逐步", "稳步", "分步", "持续推进", "gradually", "step by step", "progressively"),
    UNDEFINED: ("妥善", "有效", "合理", "切实", "properly", "effectively", "appropriately"),
}  # fmt: skip
MAX_PHRASE = 50  # an office phrase, at most (the column's width)


@dataclass(frozen=True)
class Flag:
    """One vague phrase found: where it is in the text ([start, end)) and why."""

    phrase: str
    start: int
    end: int
    kind: str


def _is_latin(phrase: str) -> bool:
    return phrase.isascii()


def _pattern(phrase: str) -> re.Pattern:
    escaped = re.escape(phrase)
    if _is_latin(phrase):
        # Whole words only: "further" not in "furthermore", "study" not in "studying".
        return re.compile(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])", re.IGNORECASE)
    return re.compile(escaped)


def phrases(extra: Iterable[str] = ()) -> dict[str, str]:
    """Every phrase looked for and its kind: the reviewed list, then the office's."""
    found = {phrase: kind for kind, listed in VAGUE.items() for phrase in listed}
    for phrase in extra:
        phrase = clean(phrase)
        if phrase and phrase not in found:
            found[phrase] = OFFICE
    return found


def clean(phrase: str) -> str:
    """An office phrase as it is kept and matched: one line, single spaces."""
    return " ".join((phrase or "").split())


def find(text: str, extra: Iterable[str] = ()) -> list[Flag]:
    """The vague phrases in `text`, in order, never overlapping: where two
    overlap, the one that starts first wins, and of those the longer
    ("加大力度" over a shorter phrase inside it)."""
    text = text or ""
    hits = []
    for phrase, kind in phrases(extra).items():
        for match in _pattern(phrase).finditer(text):
            hits.append(Flag(match.group(0), match.start(), match.end(), kind))
    hits.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Flag] = []
    for flag in hits:
        if not kept or flag.start >= kept[-1].end:
            kept.append(flag)
    return kept


def segments(text: str, flags: list[Flag]) -> list[tuple[str, Flag | None]]:
    """The text cut at the flags, for showing it with the vague phrases marked."""
    parts, at = [], 0
    for flag in flags:
        if flag.start > at:
            parts.append((text[at : flag.start], None))
        parts.append((text[flag.start : flag.end], flag))
        at = flag.end
    if at < len(text):
        parts.append((text[at:], None))
    return parts
