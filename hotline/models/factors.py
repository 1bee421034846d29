"""Second factors of a staff account (hotline/changes/factors.py enrols and
checks them): an authenticator app (TOTP, RFC 6238) or a passkey (WebAuthn),
and the one-time recovery codes for the day the phone is lost."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow


class FactorKind(StrEnum):
    TOTP = "totp"  # an authenticator app's six-digit codes
    PASSKEY = "passkey"  # a WebAuthn credential: a security key, a phone, the computer


class SecondFactor(db.Model):
    """One authenticator app or one passkey of an account. An app's row exists
    from the moment its QR code is shown, but counts only once confirmed with
    a code read from the app."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    # TOTP: the shared secret, encrypted ("fernet:…"; the public demo secrets
    # are kept as "plain:…"), and the last time step accepted: a code is good once.
    secret: Mapped[str] = mapped_column(String(300), default="")
    last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    # Passkey: the credential's id (base64url), its public key (COSE) and the
    # authenticator's signature counter.
    credential_id: Mapped[str | None] = mapped_column(String(1400), unique=True, default=None)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    sign_count: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(db.Model):
    """A one-time code for signing in without the app or the passkey. Only its
    sha256 is kept; the code itself is shown once, when it is made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
