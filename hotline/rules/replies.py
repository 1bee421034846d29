"""Response templates (回复模板): the office writes the usual words of a
progress note, an extension request, a completion report… once, with
placeholders; a liaison picks one on the phone and edits it before sending.

Filling is pure: `fill(text, values)` puts each known placeholder's value in
its place. A placeholder is a name in braces, half-width {部门} or full-width
｛部门｝ (what a Chinese input method types); the English aliases {department}
{place} {date} {deadline} mean the same. What cannot be filled stays visible
as it was written, and is named so the page can flag it before it is sent:
- `unknown`: a name no rule knows ({联系人}): the office's typo, or a blank to
  fill in by hand;
- `missing`: a known name with no value for this item (no place was given).
A date reads in the template's language: 2026年12月7日 in a Chinese text,
2026-12-07 in any other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

# The actions a template is written for, each with the field of its form the
# text goes in (forms/followup.py; the desk's answer form, forms/staff.py).
FIELDS = {
    "progress": "note",  # 办理进展
    "extension": "reason",  # 延期申请
    "completion": "note",  # 办结报告
    "verify": "note",  # 核验说明
    "withdraw": "reason",  # 撤回理由
    "answer": "answer_text",  # 现场答复
}
ACTIONS = tuple(FIELDS)

# What each value is: the department's name, the place (the pledge's place, or
# the call's area), today's date, the item's deadline.
DEPARTMENT, PLACE, DATE, DEADLINE = "department", "place", "date", "deadline"
NAMES = {
    "部门": DEPARTMENT,
    "department": DEPARTMENT,
    "地点": PLACE,
    "place": PLACE,
    "日期": DATE,
    "date": DATE,
    "时限": DEADLINE,
    "deadline": DEADLINE,
}
# The names as the office's page lists them: Chinese, then the English alias.
SHOWN = (("部门", "department"), ("地点", "place"), ("日期", "date"), ("时限", "deadline"))

MAX_TITLE, MAX_TEXT = 50, 2000
_PLACEHOLDER = re.compile(r"[{｛]\s*([^{}｛｝\s]{1,20})\s*[}｝]")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Filled:
    text: str
    unknown: tuple[str, ...] = ()  # as written, e.g. "{联系人}"
    missing: tuple[str, ...] = ()  # known, but nothing to put in: "{地点}"

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.missing


def meaning(name: str) -> str | None:
    """The value a placeholder's name stands for, or None for a name no rule knows."""
    return NAMES.get(name.strip().lower())


def placeholders(text: str) -> list[str]:
    """Every placeholder in `text` as written, in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in _PLACEHOLDER.finditer(text or "")))


def unknown_in(text: str) -> list[str]:
    """The placeholders in `text` that no rule fills (the office is told as it saves)."""
    return [p for p in placeholders(text) if meaning(_PLACEHOLDER.fullmatch(p).group(1)) is None]


def date_words(day: date, text: str) -> str:
    """`day` as the template's language writes it."""
    if _CHINESE.search(text or ""):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def fill(text: str, values: Mapping[str, str | date | None]) -> Filled:
    """`text` with each known placeholder replaced by its value in `values`
    (keyed DEPARTMENT, PLACE, DATE, DEADLINE; a date as a date); the rest
    left as written and named."""
    unknown: dict[str, None] = {}
    missing: dict[str, None] = {}

    def put(match: re.Match) -> str:
        written, key = match.group(0), meaning(match.group(1))
        if key is None:
            unknown[written] = None
            return written
        value = values.get(key)
        value = date_words(value, text) if isinstance(value, date) else (value or "").strip()
        if not value:
            missing[written] = None
            return written
        return value

    filled = _PLACEHOLDER.sub(put, text or "")
    return Filled(filled, tuple(unknown), tuple(missing))
