"""Sending e-mail (reminders, 督办 notices) when SMTP is configured; one place
for the connection settings."""

from __future__ import annotations

import logging
import smtplib
from contextlib import contextmanager
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("hotline.mail")


def configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


@contextmanager
def connection():
    """One SMTP connection with the configured TLS and login."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 25), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        yield smtp


def compose(recipients: list[str], subject: str, body: str, headers=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["SMTP_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def send(messages: list[tuple[list[str], str, str]]) -> int:
    """Send (recipients, subject, body) messages over one connection; returns how
    many went out. Does nothing when SMTP_HOST is unset."""
    if not configured() or not messages:
        return 0
    sent = 0
    with connection() as smtp:
        for recipients, subject, body in messages:
            smtp.send_message(compose(recipients, subject, body))
            sent += 1
    return sent


def recipients_for(department) -> list[str]:
    """The department's own address, and the office's (HOTLINE_REMIND_TO)."""
    found = [department.email] if department is not None and department.email else []
    office = current_app.config.get("HOTLINE_REMIND_TO")
    if office and office not in found:
        found.append(office)
    return found
