"""The openness score (办理公开度): how openly a department works, from the
append-only record alone. Pure: plain facts in, numbers out.

Six parts, each a share of the cases it counts (a case counts once its
outcome is known):

- 签收 on time: items acknowledged within the limit, of those acknowledged or
  past the limit;
- progress before the deadline: items with a progress note posted by their
  deadline, of those reported done or past the deadline;
- evidence at completion: completion reports with a file attached;
- extensions asked in time: requests made before the deadline then in force
  expired (not after);
- 督办 answered: presses the department answered (progress, completion or an
  extension request) within the limit, of those answered or past it;
- milestones met: milestones met by their date, of those met or past it.

The score is the mean of the parts that have cases, so a department is not
judged on what never happened to it; a part with no case shows as none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .milestones import fell_due, kept
from .workdays import add_working_days

PARTS = ("acknowledged", "progress", "evidence", "extensions", "presses", "milestones")


@dataclass(frozen=True)
class Limits:
    acknowledge_days: int = 1  # 签收 within (working days)
    answer_days: int = 5  # a 督办 answered within (working days; the 通报 limit)


@dataclass(frozen=True)
class Press:
    pressed_on: date
    answered_on: date | None  # the department's first answer after it


@dataclass(frozen=True)
class Facts:
    """One item of a department, as its record tells it (local dates)."""

    department_id: int
    given_on: date  # given to the department (made, or reassigned)
    acknowledged_on: date | None
    deadline: date
    reported_on: date | None = None  # completion reported (None: not yet)
    progress_on: tuple[date, ...] = ()
    completions_with_files: tuple[bool, ...] = ()  # one per completion report
    extensions: tuple[tuple[date, date], ...] = ()  # (asked on, deadline then)
    presses: tuple[Press, ...] = ()
    milestones: tuple[tuple[date, date | None], ...] = ()  # (due on, met on)
    withdrawn: bool = False  # no progress is asked of a withdrawn item


@dataclass
class Openness:
    parts: dict[str, list[int]] = field(default_factory=lambda: {p: [0, 0] for p in PARTS})
    items: int = 0  # items with at least one case counted: the ranking's sample
    rank: int | None = None

    def add(self, part: str, hit: bool) -> None:
        self.parts[part][0] += int(hit)
        self.parts[part][1] += 1

    def rate(self, part: str) -> float | None:
        hits, cases = self.parts[part]
        return hits / cases if cases else None

    @property
    def score(self) -> float | None:
        rates = [r for p in PARTS if (r := self.rate(p)) is not None]
        return sum(rates) / len(rates) if rates else None

    def ranked(self, min_sample: int) -> bool:
        return self.items >= min_sample and self.score is not None


def count(item: Facts, today: date, limits: Limits, into: Openness) -> None:
    """Add one item's cases to a department's tally."""
    before = sum(cases for _hits, cases in into.parts.values())
    ack_by = add_working_days(item.given_on, limits.acknowledge_days).day
    if item.acknowledged_on is not None:
        into.add("acknowledged", item.acknowledged_on <= ack_by)
    elif today > ack_by:
        into.add("acknowledged", False)
    if not item.withdrawn and (item.reported_on is not None or item.deadline < today):
        into.add("progress", any(day <= item.deadline for day in item.progress_on))
    for with_files in item.completions_with_files:
        into.add("evidence", with_files)
    for asked_on, deadline_then in item.extensions:
        into.add("extensions", asked_on <= deadline_then)
    for press in item.presses:
        answer_by = add_working_days(press.pressed_on, limits.answer_days).day
        if press.answered_on is not None:
            into.add("presses", press.answered_on <= answer_by)
        elif today > answer_by:
            into.add("presses", False)
    for due_on, met_on in item.milestones:
        if fell_due(due_on, met_on, today):
            into.add("milestones", kept(due_on, met_on))
    if sum(cases for _hits, cases in into.parts.values()) > before:
        into.items += 1


def tally(items: list[Facts], today: date, limits: Limits) -> dict[int, Openness]:
    """Each department's openness: {department id: Openness}."""
    result: dict[int, Openness] = {}
    for item in items:
        count(item, today, limits, result.setdefault(item.department_id, Openness()))
    return result


def rank(tallies: dict[int, Openness], min_sample: int) -> None:
    """Rank by score those with enough items (the scorecard's small-sample rule);
    the others keep rank None."""
    ranked = sorted(
        ((k, o) for k, o in tallies.items() if o.ranked(min_sample)),
        key=lambda pair: (-pair[1].score, -pair[1].items, pair[0]),
    )
    for position, (_key, openness) in enumerate(ranked, start=1):
        openness.rank = position


def overall(tallies: dict[int, Openness]) -> Openness:
    """All departments together (the report's total line)."""
    total = Openness()
    for o in tallies.values():
        total.items += o.items
        for part in PARTS:
            total.parts[part][0] += o.parts[part][0]
            total.parts[part][1] += o.parts[part][1]
    return total
