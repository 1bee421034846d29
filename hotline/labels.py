"""Every status, outcome and event word the site shows, in one place.

Each function maps a stored code to its translated label; templates, feeds,
CSV exports and reminders all read the words from here.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import ngettext

from .rules.status import Code, PublicStatus


def status_text(status: PublicStatus) -> str:
    """The public status in words, as docs/design.md lists them."""
    code, n = status.code, status.days or 0
    if code == Code.DUE:
        text = ngettext("Due in %(num)d day", "Due in %(num)d days", n)
    elif code == Code.DUE_TODAY:
        text = _("Due today")
    elif code == Code.OVERDUE:
        text = ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", n)
    elif code == Code.REPORTED and n > 0:
        # Reported after the deadline: the lateness shows while it awaits verification.
        text = ngettext(
            "Reported done %(num)d day late, awaiting verification",
            "Reported done %(num)d days late, awaiting verification",
            n,
        )
    elif code == Code.REPORTED:
        text = _("Reported done, awaiting verification")
    elif code == Code.MET_ON_TIME:
        text = _("Met on time")
    elif code == Code.MET_AFTER_EXTENSION:
        text = _("Met after extension")
    elif code == Code.MET_LATE:
        text = ngettext("Met late (%(num)d day)", "Met late (%(num)d days)", n)
    else:
        text = _("Withdrawn")
    return text


def status_filter_label(key: str) -> str:
    """The board's status filter menu (the statuses without their day counts)."""
    return {
        "open": _("In progress (all)"),
        "due": _("Due, not yet overdue"),
        "due_today": _("Due today"),
        "overdue": _("Overdue"),
        "reported": _("Reported done, awaiting verification"),
        "met": _("Met (all)"),
        "met_on_time": _("Met on time"),
        "met_after_extension": _("Met after extension"),
        "met_late": _("Met late"),
        "withdrawn": _("Withdrawn"),
    }[key]


def sort_label(key: str) -> str:
    return {
        "deadline": _("Deadline, soonest first"),
        "newest": _("Newest first"),
        "overdue": _("Most overdue first"),
    }[key]


def event_label(kind: str) -> str:
    return {
        "created": _("Committed on air"),
        "referred": _("Referred for offline verification"),
        "corrected": _("Corrected"),
        "progress": _("Progress note"),
        "extension_requested": _("Extension requested"),
        "extension_granted": _("Extension granted"),
        "extension_refused": _("Extension refused"),
        "completion_reported": _("Completion reported"),
        "verified": _("Verified as met"),
        "reopened": _("Sent back (reopened)"),
        "pressed": _("Pressed (督办)"),
        "withdrawn": _("Withdrawn"),
        "withheld": _("Withheld from public view"),
        "result_vote": _("Placard vote on the result"),
        "callback": _("Callback to the caller (回访)"),
        "redone": _("Reopened after the callback (重办)"),
        "deputy_note": _("Deputy follow-up (代表督办)"),
        "acknowledged": _("Acknowledged by the department (签收)"),
        "reminded": _("Reminder: past the deadline (催办)"),
        "noticed": _("Public notice (通报)"),
        "disputed": _("Dispute: not this department's (派单异议)"),
        "reassigned": _("Reassigned to another department"),
        "dispute_refused": _("Dispute refused: the department keeps the item"),
        "merged": _("Linked to the same problem (并单)"),
        "assigned": _("Given to the department through the deputy code (代表码交办)"),
        "repeated": _("Raised again (重复反映)"),
        "not_fixed": _("A citizen reported it is not fixed"),
        "milestone_set": _("Milestone set"),
        "milestone_met": _("Milestone met"),
        "milestone_moved": _("Milestone moved to a new date"),
        "milestone_missed": _("Milestone missed"),
        "terms": _("Terms of the pledge added (承诺要素补充)"),
        "criterion_requested": _("Acceptance criterion requested (催补验收标准)"),
    }.get(kind, kind)


def term_label(name: str) -> str:
    """A term of a pledge: how it will be checked (the commitment's columns)."""
    return {
        "deliverable": _("What will be delivered"),
        "place": _("Where"),
        "measure": _("How much / how many"),
        "criterion": _("Acceptance criterion (验收标准)"),
    }.get(name, name)


def vague_hint(kind: str) -> str:
    """What a vague phrase leaves unsaid (rules/pledges.py), said to the desk."""
    return {
        "no_date": _("no date: say by when"),
        "effort": _("an effort, not a result: say what will be done"),
        "study": _("a study or a meeting, not a result: say what comes of it"),
        "hedge": _("a hope, not a promise: say what will be done"),
        "gradual": _("no end point: say how much, by when"),
        "undefined": _("no one can check it: say what it means here"),
        "office": _("on the office's list of vague phrases"),
    }.get(kind, kind)


def milestone_standing_label(standing: str) -> str:
    return {
        "upcoming": _("Ahead"),
        "missed": _("Missed"),
        "met": _("Met on time"),
        "met_late": _("Met late"),
    }.get(standing, standing)


def year_check_label(check: str) -> str:
    """The standing committee's three checks of the year."""
    return {
        "start": _("Start of the year: is the work started? (年初查开工)"),
        "progress": _("Midyear: how far has it got? (年中看进度)"),
        "results": _("End of the year: what was achieved? (年底问绩效)"),
    }.get(check, check)


def openness_part_label(part: str) -> str:
    """The parts of the openness score (rules/openness.py)."""
    return {
        "acknowledged": _("Acknowledged (签收) on time"),
        "progress": _("Progress posted before the deadline"),
        "evidence": _("Evidence attached at completion"),
        "extensions": _("Extensions asked before the deadline"),
        "presses": _("Presses (督办) answered in time"),
        "milestones": _("Milestones met on time"),
    }[part]


def rundown_reason(reason: str) -> str:
    """Why a commitment is in a show's 回音壁 segment."""
    return {
        "fell_due": _("Fell due since the previous show"),
        "overdue": _("Overdue"),
        "extended": _("Extended since the previous show"),
        "verified": _("Verified as met since the previous show"),
        "withdrawn": _("Withdrawn since the previous show"),
        "reopened": _("Reopened since the previous show (重办)"),
    }.get(reason, reason)


def on_air_kind_label(kind: str) -> str:
    return {
        "call": _("Call"),
        "commitment": _("Commitment"),
        "rundown": _("Follow-up on air"),
        "promise": _("Promised before (上次承诺)"),
        "topic": _("Voters' topic"),
        "super": _("Name super"),
        "totals": _("Totals"),
        "qr": _("QR code: ask / track"),
    }.get(kind, kind)


def webhook_error_label(error: str) -> str:
    """A failed webhook attempt in one generic word (hotline/integration/webhook_http.py):
    anything else stored, from before, reads as a failed connection."""
    return {
        "timed out": _("timed out"),
        "address not allowed": _("address not allowed"),
        "redirect refused": _("redirect refused"),
    }.get(error, _("connection failed"))


def outcome_label(outcome: str) -> str:
    return {
        "pending": _("Waiting for an answer"),
        "answered": _("Answered on air"),
        "committed": _("Committed with a deadline"),
        "referred": _("Referred for offline verification"),
    }.get(outcome, outcome)


def show_status_label(status: str) -> str:
    return {"scheduled": _("Scheduled"), "live": _("Live"), "ended": _("Ended")}.get(status, status)


def show_kind_label(kind: str) -> str:
    return {"hotline": _("Deputy hotline"), "onsite": _("Deputies are here")}.get(kind, kind)


def role_label(role: str) -> str:
    return {
        "supervisor": _("Supervisor (standing committee office)"),
        "moderator": _("Moderator"),
        "liaison": _("Department liaison"),
        "deputy": _("Deputy"),
    }.get(role, role)


def rating_label(value: str) -> str:
    return {
        "satisfied": _("Satisfied"),
        "basic": _("Basically satisfied"),
        "dissatisfied": _("Dissatisfied"),
    }.get(value, value)


def list_title(kind: str) -> str:
    """The three lists (三张清单)."""
    return {
        "suggestions": _("Suggestion list"),
        "assignments": _("Assignment list"),
        "results": _("Result list"),
    }[kind]


def report_column_label(column: str) -> str:
    """Columns of the period report and its CSV."""
    return {
        "made": _("Made"),
        "referrals": _("Of which referrals"),
        "met_on_time": _("Met on time"),
        "met_after_extension": _("Met after extension"),
        "met_late": _("Met late"),
        "extended": _("Extended"),
        "overdue": _("Overdue"),
        "reported": _("Awaiting verification"),
        "withdrawn": _("Withdrawn"),
        "median_days": _("Median days to report"),
        "satisfaction": _("Satisfaction"),
        "result_satisfaction": _("Satisfaction with the result (follow-up placards)"),
        "openness": _("Openness"),
        "milestones_missed": _("Milestones missed"),
    }[column]


def kind_label(kind: str) -> str:
    """What a board item is."""
    return {"commitment": _("Commitment"), "referral": _("Referral")}.get(kind, kind)


def kind_filter_label(kind: str) -> str:
    return {
        "commitment": _("Commitments made on air"),
        "referral": _("Referrals (offline verification)"),
    }[kind]


def calendar_warning(day) -> str:
    """The holiday calendar does not know the year: Monday to Friday was counted."""
    return _(
        "The statutory holiday calendar does not know %(year)d yet: working days up to "
        "%(date)s were counted Monday to Friday. Check the deadline against the State "
        "Council's holiday notice.",
        year=day.year,
        date=day.isoformat(),
    )


def item_title(item) -> str:
    """ "Commitment #7" or "Referral #7"."""
    if item.kind == "referral":
        return _("Referral #%(id)d", id=item.id)
    return _("Commitment #%(id)d", id=item.id)


def source_text(item) -> str:
    """Where a board item came from: its show and call, or a message through a
    deputy's 代表码 (public fields only: never the message's text or sender)."""
    if item.call is None:
        return _("Deputy code (代表码) of %(name)s", name=item.message.deputy.name)
    return _("%(show)s, call #%(n)d", show=item.call.show.title, n=item.call.number)


def show_short(title: str) -> str:
    """A show as the radar names it: "第141期" when its title numbers it, else the title."""
    found = re.search(r"第\s*\d+\s*期", title or "")
    return found.group(0) if found else title


def radar_status(hit) -> str:
    """An earlier item in the radar, in words: "第141期承诺，已逾期40天"."""
    show = show_short(hit.show_title)
    if hit.kind == "commitment":
        status = status_text(hit.status)
        if not hit.show_title:
            return _("Deputy code (代表码) of %(name)s, %(status)s", name=hit.deputy, status=status)
        if hit.item_kind == "referral":
            return _("Referred on %(show)s, %(status)s", show=show, status=status)
        return _("Promised on %(show)s, %(status)s", show=show, status=status)
    if hit.kind == "call":
        return _(
            "Called in on %(show)s, %(outcome)s", show=show, outcome=outcome_label(hit.outcome)
        )
    return _(
        "Deputy code (代表码) message to %(name)s, %(status)s",
        name=hit.deputy,
        status=message_status_label(hit.message_status),
    )


def promise_card_text(item, status: PublicStatus) -> str:
    """The overlay's card for an earlier promise: "这个问题在第141期承诺过：已逾期40天"."""
    words = status_text(status)
    if item.call is None:
        return _("This problem came in through a deputy code (代表码): %(status)s", status=words)
    show = show_short(item.call.show.title)
    if item.kind == "referral":
        return _("This problem was referred on %(show)s: %(status)s", show=show, status=words)
    return _("This problem was promised on %(show)s: %(status)s", show=show, status=words)


def reference_code_notice(number: int, code: str, address: str) -> str:
    """What the desk reads out to the caller (shown once: the code is not stored),
    with the whole address of the page to type it in (/track)."""
    return _(
        "Reference code for call #%(n)d: %(code)s. Read it to the caller now: it is shown "
        "only once. They can follow the call by opening %(address)s and typing it in.",
        n=number,
        code=code,
        address=address,
    )


def callback_text(data: dict) -> str:
    """A callback on the public timeline: reached or not, and the verdict."""
    if not data.get("reached"):
        return _("The caller could not be reached.")
    return _("The caller's verdict: %(verdict)s", verdict=rating_label(data.get("verdict") or ""))


def message_event_label(kind: str) -> str:
    """An entry in the record of a message sent through a deputy's 代表码."""
    return {
        "received": _("Received"),
        "answered": _("Answered by the deputy"),
        "topic": _("Put forward as a topic for a show"),
        "declined": _("Declined"),
        "assigned": _("Given to a department (交办)"),
        "note": _("Deputy follow-up (代表督办)"),
    }.get(kind, kind)


def message_status_label(status: str) -> str:
    """What became of a message sent through a deputy's 代表码."""
    return {
        "new": _("Waiting for the deputy"),
        "answered": _("Answered by the deputy"),
        "topic": _("Put forward as a topic for a show"),
        "declined": _("Declined"),
        "assigned": _("Given to a department (交办)"),
    }.get(status, status)


def topic_source_label(source: str) -> str:
    """Where a show's topic came from (public)."""
    return {
        "citizen": _("Proposed by a citizen"),
        "message": _("From a message to a deputy (代表码)"),
        "question": _("From a citizen's question"),
        "staff": _("Added by the office"),
    }.get(source, source)


def topic_event_label(kind: str) -> str:
    """An entry in the record of a show's topics (the desk)."""
    return {
        "opened": _("Topic collection opened"),
        "closed": _("Topic collection closed"),
        "proposed": _("Proposed by a citizen"),
        "added": _("Topic added"),
        "published": _("Published"),
        "rejected": _("Rejected"),
        "chosen": _("Put on the agenda"),
        "unchosen": _("Taken off the agenda"),
        "moved": _("Moved on the agenda"),
    }.get(kind, kind)
