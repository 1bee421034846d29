"""API tokens: what a telephony system, a 12345 work-order system or a Stream
Deck presents instead of a sign-in (docs/api.md, "Integration API").

A token has a name and a scope (a role and, for a liaison, a department; for
a deputy account, a deputy: access.scope_problems, as for a person): the
same permissions as a staff account of that kind. Each token is backed by its
own account (`api:<name>`, with a password nobody knows), so everything it
writes is attributed to it in the record exactly as a person's work is, and the
audit trail names it. The secret is shown once; only its sha256 is stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import scope_problems
from ..extensions import db
from ..models import ON_AIR_SCOPE, ApiToken, Department, Deputy, Role, User, digest, utcnow
from . import audit

PREFIX = "hl_"  # so a leaked token is recognisable in logs and secret scanners
CREATED, REVOKED = "api_token_created", "api_token_revoked"
SCOPES = ("", ON_AIR_SCOPE)  # everything its role may do; on-air control only


def account_name(name: str) -> str:
    return f"api:{name}"[:50]


def create(
    name: str,
    role: str,
    *,
    department_id: int | None = None,
    deputy_id: int | None = None,
    expires_at: datetime | None = None,
    actor: User | None = None,
    scope: str = "",
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once). Not committed here. `scope`
    ON_AIR_SCOPE: a moderator's token that reaches the on-air control only
    (a button box: cue, take, clear; api/bearer.py refuses everything else)."""
    if role not in set(Role):
        raise ValueError("unknown role")
    if scope not in SCOPES or (scope == ON_AIR_SCOPE and role != Role.MODERATOR):
        raise ValueError("the token's scope: on-air control is a moderator's")
    department = db.session.get(Department, department_id) if department_id else None
    deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
    if problems := scope_problems(role, department, deputy):
        raise ValueError(f"the token's scope: {', '.join(problems)}")
    secret = PREFIX + secrets.token_urlsafe(32)
    user = User(
        username=account_name(name),
        display_name=name,
        role=role,
        department_id=department_id,
        deputy_id=deputy_id,
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
        scope=scope,
    )
    db.session.add(token)
    detail = {"role": role, "department_id": department_id} | ({"scope": scope} if scope else {})
    audit.record(actor, CREATED, f"token {name}", detail)
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
