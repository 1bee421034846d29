"""Sending e-mail (reminders, 督办 notices) when SMTP is configured; one place
for the connection settings."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("hotline.mail")


def configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send(messages: list[tuple[list[str], str, str]]) -> int:
    """Send (recipients, subject, body) messages over one connection; returns how
    many went out. Does nothing when SMTP_HOST is unset."""
    config = current_app.config
    if not configured() or not messages:
        return 0
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 25), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        for recipients, subject, body in messages:
            message = EmailMessage()
            message["From"] = config["SMTP_FROM"]
            message["To"] = ", ".join(recipients)
            message["Subject"] = subject
            message.set_content(body)
            smtp.send_message(message)
            sent += 1
    return sent


def recipients_for(department) -> list[str]:
    """The department's own address, and the office's (HOTLINE_REMIND_TO)."""
    found = [department.email] if department is not None and department.email else []
    office = current_app.config.get("HOTLINE_REMIND_TO")
    if office and office not in found:
        found.append(office)
    return found
