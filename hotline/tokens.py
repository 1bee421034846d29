"""API tokens: what a telephony system, a 12345 work-order system or a Stream
Deck presents instead of a sign-in (README, "Integration API").

A token has a name and a scope (a role and, for a liaison, a department): the
same permissions as a staff account of that kind. Each token is backed by its
own account (`api:<name>`, with a password nobody knows), so everything it
writes is attributed to it in the record exactly as a person's work is, and the
audit trail names it. The secret is shown once; only its sha256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from . import audit
from .extensions import db
from .models import Department, Role, User, utcnow

PREFIX = "hl_"  # so a leaked token is recognisable in logs and secret scanners
CREATED, REVOKED = "api_token_created", "api_token_revoked"


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

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def department(self) -> Department | None:
        return self.user.department

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def account_name(name: str) -> str:
    return f"api:{name}"[:50]


def create(
    name: str,
    role: str,
    *,
    department_id: int | None = None,
    expires_at: datetime | None = None,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once). Not committed here."""
    if role not in set(Role):
        raise ValueError("unknown role")
    if role == Role.LIAISON and department_id is None:
        raise ValueError("a liaison token needs a department")
    if role != Role.LIAISON:
        department_id = None
    secret = PREFIX + secrets.token_urlsafe(32)
    user = User(
        username=account_name(name),
        display_name=name,
        role=role,
        department_id=department_id,
    )
    # Its web password is random and never shown: the account cannot sign in,
    # and the admin's account screens do not offer it (token_users()).
    user.set_password(secrets.token_urlsafe(32))
    token = ApiToken(
        name=name,
        digest=digest(secret),
        user=user,
        created_by_id=actor.id if actor else None,
        expires_at=expires_at,
    )
    db.session.add(token)
    audit.record(actor, CREATED, f"token {name}", {"role": role, "department_id": department_id})
    return token, secret


def revoke(token: ApiToken, actor: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.user.active = False
        audit.record(actor, REVOKED, f"token {token.name}")


def by_secret(secret: str) -> ApiToken | None:
    if not secret:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))


def all_tokens() -> list[ApiToken]:
    # The page shows each token's role and department: loaded with the list.
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(selectinload(ApiToken.user).selectinload(User.department))
            .order_by(ApiToken.created_at.desc())
        )
    )


def token_users() -> set[int]:
    """The accounts behind tokens: not people, so not in the admin's account list."""
    return set(db.session.scalars(select(ApiToken.user_id)))
