"""Reminders (催办) and 督办 notices: what the office sends to departments.

`flask remind` lists and mails each department's overdue and due-soon items; a
督办 saved in the follow-up is mailed to its department at once. Both are
written and sent here.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date

from flask import url_for
from flask_babel import gettext as _

from ..changes import escalation
from ..extensions import db
from ..integration import mail
from ..labels import status_text
from ..models import Commitment, Department, EventKind
from ..queries.followup import DUE_SOON_DAYS, due_for_reminder

log = logging.getLogger("hotline.reminders")


def reminder_text(name: str, overdue: list, due: list, day, within: int = DUE_SOON_DAYS) -> str:
    """The reminder for one department, in the current language."""
    lines = [
        _(
            "%(department)s: %(overdue)d overdue, %(due)d due within %(n)d days (as of %(day)s)",
            department=name,
            overdue=len(overdue),
            due=len(due),
            n=within,
            day=day.isoformat(),
        ),  # fmt: skip
    ]
    for c in overdue + due:
        lines.append(
            f"  #{c.id} [{status_text(c.status(day))}] {_('Deadline')} {c.deadline.isoformat()}"
            f" · {c.pledge}"
        )
        for m in escalation.missed_milestones(c, day):
            lines.append(
                "      "
                + _("Milestone missed: %(title)s (due %(date)s)", title=m.title,
                    date=m.due_on.isoformat())
            )  # fmt: skip
        pressed = escalation._latest(c, EventKind.PRESSED)
        if pressed:
            lines.append("      " + _("Pressed: %(note)s", note=pressed.note))
        if c.noticed_on:
            notice = _("Public notice (通报) on %(date)s", date=c.noticed_on.isoformat())
            lines.append("      " + notice)
        if c.criterion_missing:
            lines.append("      " + _("Acceptance criterion to be added"))
    return "\n".join(lines)


def reminders(day: date, within: int = DUE_SOON_DAYS) -> list[tuple[str, str]]:
    """(department name, reminder text) for each department with something due."""
    return [
        (name, reminder_text(name, overdue, due, day, within))
        for name, overdue, due in due_for_reminder(day, within)
    ]


def escalate(day: date) -> list[tuple[str, Commitment]]:
    """Write the day's 催办 and 通报 (escalation.apply) and commit them: the
    events first, then the mails. Running it again the same day writes nothing."""
    written = escalation.apply(day)
    db.session.commit()
    return written


class NoAddress(Exception):
    """A department to remind has no e-mail address and the office set none."""


def mail_reminders(found: list[tuple[str, str]], departments: dict[str, Department]) -> list:
    """E-mail each department its reminder; returns (name, recipients) sent."""
    site = _("Hotline")
    messages = []
    for name, text in found:
        to = mail.recipients_for(departments.get(name))
        if not to:
            raise NoAddress(name)
        messages.append((to, f"[{site}] {text.splitlines()[0]}", text))
    mail.send(messages)
    return [(name, to) for (name, _text), (to, _s, _b) in zip(found, messages, strict=True)]


def notify_pressed(item: Commitment, note: str, link: str) -> bool:
    """督办 reaches the department at once by e-mail (when SMTP is set up), not
    only at the next reminder. False when the mail could not be sent; a mail
    failure never undoes the saved press."""
    subject = _("[Hotline] Pressed: commitment #%(id)d", id=item.id)
    headline = _("The standing committee office pressed this commitment (督办):")
    return _notify(item, subject, headline, note, link)


def notify_criterion_requested(item: Commitment, note: str, link: str) -> bool:
    """催补验收标准, sent at once like a 督办: say who will check the pledge, and how."""
    subject = _("[Hotline] Acceptance criterion requested: commitment #%(id)d", id=item.id)
    headline = _(
        "The standing committee office asks for this pledge's acceptance criterion "
        "(验收标准: who checks it, and how). Add it on the follow-up page:"
    )
    return _notify(item, subject, headline, note, link)


def _notify(item: Commitment, subject: str, headline: str, note: str, link: str) -> bool:
    to = mail.recipients_for(item.department)
    if not mail.configured() or not to:
        return True
    body = "\n\n".join([
        headline,
        item.pledge,
        note.strip(),
        _("Deadline: %(date)s", date=item.deadline.isoformat()),
        link,
    ])  # fmt: skip
    try:
        mail.send([(to, subject, body)])
    except (OSError, smtplib.SMTPException):
        log.exception("notice for commitment %s not sent", item.id)
        return False
    return True


def mail_pressed(item: Commitment, form) -> list[str]:
    """督办 reaches the department by e-mail at once; a failure never undoes it."""
    link = url_for("followup.commitment", commitment_id=item.id, _external=True)
    if notify_pressed(item, form.note.data, link):
        return []
    return [_("The press is saved, but the e-mail to the department could not be sent.")]


def mail_criterion_requested(item: Commitment, form) -> list[str]:
    """催补验收标准 reaches the department by e-mail at once, like a 督办."""
    link = url_for("followup.commitment", commitment_id=item.id, _external=True)
    if notify_criterion_requested(item, form.note.data or "", link):
        return []
    return [_("The request is saved, but the e-mail to the department could not be sent.")]
