"""Failed sign-ins, counted per username as typed, whatever the address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SignInLimit(db.Model):
    """The failures in a row for one username and the lock they earned
    (hotline/changes/lockout.py). Keyed by a hash of the lowercased name, so a
    name with no account is counted and locked exactly like one with an
    account, and the table keeps no names."""

    __tablename__ = "sign_in_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    # Locks in a row: each lasts twice as long as the one before (rules/lockout.py).
    locks: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
