"""The API tokens table: a token's name, the sha256 of its secret and the account it acts as
(hotline/changes/tokens.py issues and revokes them)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Department, User, utcnow


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the secret
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    # "": everything its role may do; "onair": the on-air control endpoints
    # only (a button box: cue, take, clear), nothing else (api/bearer.py).
    scope: Mapped[str] = mapped_column(String(20), default="", server_default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def department(self) -> Department | None:
        return self.user.department

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


ON_AIR_SCOPE = "onair"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
