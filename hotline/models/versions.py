"""Versions of the claims the site shows (核验码): each row is one version of a
call or a board item, as its public fields stood when a page, a printed list or
the broadcast overlay first showed it, under a short code that finds it again
at /v/<code> (hotline/changes/versions.py issues them; rules/versions.py says
what a code looks like). Only public fields are kept: never who called."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["ClaimKind", "ClaimVersion"]


class ClaimKind(StrEnum):
    COMMITMENT = "commitment"  # a board item: a commitment or a referral
    CALL = "call"  # a call of a show


class ClaimVersion(db.Model):
    __tablename__ = "claim_versions"
    __table_args__ = (Index("ix_claim_versions_item", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # bare, upper case
    # sha256 of the kind, the id and the snapshot: the same public fields of the
    # same record always find the same row (and so the same code).
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    version: Mapped[int]  # the record's version number when it was first shown so
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
