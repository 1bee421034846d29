"""Linking a staff account to a single sign-on identity: the office's choice,
recorded in the audit trail in the same transaction (the caller commits).

An account is reached by single sign-on only through such a link: the pair of
the IdP (its issuer) and the value of the configured claim. Nothing is taken
from the IdP but who the person is; the account, its role and its department
stay what the office made them.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import User
from . import audit


def linked_elsewhere(user: User, issuer: str, subject: str) -> bool:
    """Another account is already linked to this identity."""
    return (
        db.session.scalar(
            select(User.id).where(
                User.sso_issuer == issuer, User.sso_subject == subject, User.id != user.id
            )
        )
        is not None
    )


def link(actor: User, user: User, issuer: str, claim: str, subject: str | None) -> bool:
    """Link `user` to (issuer, subject), or unlink it when `subject` is empty.
    Returns whether anything changed."""
    if not subject:
        if user.sso_subject is None:
            return False
        detail = {"issuer": user.sso_issuer, "value": user.sso_subject}
        user.sso_issuer = user.sso_subject = None
        audit.record(actor, audit.SSO_UNLINKED, user.username, detail)
        return True
    if (user.sso_issuer, user.sso_subject) == (issuer, subject):
        return False
    user.sso_issuer, user.sso_subject = issuer, subject
    audit.record(
        actor, audit.SSO_LINKED, user.username, {"issuer": issuer, "claim": claim, "value": subject}
    )
    return True
