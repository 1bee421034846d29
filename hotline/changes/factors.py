"""Second factors: enrolling and checking an authenticator app (TOTP, RFC 6238)
or a passkey (WebAuthn, through Duo's py_webauthn), making and spending the
one-time recovery codes, and the office's reset. Each change adds its audit row
to the session; the caller commits both.

An app's secret is kept encrypted (Fernet, with HOTLINE_2FA_KEY or a key
derived from SECRET_KEY) and never shown after enrolment; a recovery code only
as its sha256; a passkey only as its public key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..extensions import db
from ..models import FactorKind, RecoveryCode, SecondFactor, User, utcnow
from . import audit

ISSUER = "Hotline"
RECOVERY_CODES = 10
# Recovery codes: 16 characters that cannot be misread (no 0/o, 1/l/i), ~79 bits.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# An app's QR code stays good this long before it must be shown again.
ENROL_MINUTES = 30


class PasskeyRefused(Exception):
    """The browser's answer did not prove the passkey (wrong site, challenge, signature)."""


# -- who must have one, who has one


def required_for(user: User) -> bool:
    """The account's role must sign in with a second factor (HOTLINE_2FA_ROLES)."""
    return user.role in current_app.config.get("HOTLINE_2FA_ROLES", ["supervisor"])


def enrolled(user_id: int) -> list[SecondFactor]:
    """The account's confirmed factors, oldest first."""
    return list(
        db.session.scalars(
            select(SecondFactor)
            .where(SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None))
            .order_by(SecondFactor.id)
        )
    )


def has_factor(user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(SecondFactor.id)
            .where(SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None))
            .limit(1)
        )
    )


def kinds_by_user() -> dict[int, list[str]]:
    """{account id: the kinds of its factors}, for the office's account list."""
    found: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(SecondFactor.user_id, SecondFactor.kind)
        .where(SecondFactor.confirmed_at.is_not(None))
        .order_by(SecondFactor.id)
    )
    for user_id, kind in rows:
        found.setdefault(user_id, []).append(kind)
    return found


def device_stamp(user: User) -> str:
    """What a remembered browser's cookie must match: it changes when the
    account's factors or sessions do (a new password, a reset, disabling)."""
    ids = ",".join(str(f.id) for f in enrolled(user.id))
    return hashlib.sha256(f"{user.session_token}:{ids}".encode()).hexdigest()[:32]


# -- an app's secret at rest


def _fernet() -> Fernet:
    material = current_app.config.get("HOTLINE_2FA_KEY") or current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(b"hotline second factors\0" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str) -> str:
    return "fernet:" + _fernet().encrypt(secret.encode()).decode()


def reveal(stored: str) -> str | None:
    """The secret, or None when it cannot be read (the key changed)."""
    kind, _, value = stored.partition(":")
    if kind == "plain":  # the demo accounts' public secrets
        return value
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        current_app.logger.error("an authenticator app's secret cannot be decrypted")
        return None


# -- authenticator app (TOTP)


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an app reads from the QR code."""
    site = current_app.config.get("HOTLINE_SITE_NAME", "localhost")
    return pyotp.TOTP(secret).provisioning_uri(name=f"{user.username}@{site}", issuer_name=ISSUER)


def start_app(user: User) -> tuple[SecondFactor, str]:
    """A new, unconfirmed app for the account and its secret (for the QR code).
    An earlier unconfirmed one is dropped: only the QR code last shown works."""
    db.session.execute(
        delete(SecondFactor).where(
            SecondFactor.user_id == user.id,
            SecondFactor.kind == FactorKind.TOTP,
            SecondFactor.confirmed_at.is_(None),
        )
    )
    secret = pyotp.random_base32()
    factor = SecondFactor(user_id=user.id, kind=FactorKind.TOTP, secret=seal(secret))
    db.session.add(factor)
    db.session.flush()
    return factor, secret


def app_being_added(user: User, factor_id) -> tuple[SecondFactor, str] | None:
    """The unconfirmed app whose QR code this browser was shown, still fresh."""
    factor = db.session.get(SecondFactor, factor_id) if isinstance(factor_id, int) else None
    if (
        factor is None
        or factor.user_id != user.id
        or factor.kind != FactorKind.TOTP
        or factor.confirmed_at is not None
        or (utcnow() - factor.created_at).total_seconds() > ENROL_MINUTES * 60
    ):
        return None
    secret = reveal(factor.secret)
    return (factor, secret) if secret else None


def _claim_step(factor: SecondFactor, secret: str, code: str) -> bool:
    """The code is the app's for the moment (or a step either side, for a slow
    clock or typist), and that step was not used before: a code is good once."""
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    now = int(time.time() // totp.interval)
    for step in (now - 1, now, now + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            # Claimed in the database, so two requests cannot both spend it.
            claimed = db.session.execute(
                update(SecondFactor)
                .where(
                    SecondFactor.id == factor.id,
                    or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step),
                )
                .values(last_step=step, last_used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            db.session.refresh(factor)
            return claimed.rowcount == 1
    return False


def confirm_app(user: User, factor: SecondFactor, secret: str, code: str, name: str) -> bool:
    """Confirm the app with a code read from it; False if the code is wrong."""
    if not _claim_step(factor, secret, code):
        return False
    factor.confirmed_at = utcnow()
    factor.name = name
    audit.record(user, audit.FACTOR_ADDED, user.username, {"kind": "totp", "name": name})
    return True


def check_app(user: User, code: str) -> SecondFactor | None:
    """The account's app that made this code, if one did."""
    for factor in enrolled(user.id):
        if factor.kind == FactorKind.TOTP:
            secret = reveal(factor.secret)
            if secret and _claim_step(factor, secret, code):
                return factor
    return None


# -- recovery codes


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def make_recovery_codes(user: User) -> list[str]:
    """A new set of codes, replacing any earlier ones; shown once, kept hashed."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    audit.record(user, audit.RECOVERY_CODES_MADE, user.username, {"count": RECOVERY_CODES})
    return codes


def recovery_codes_left(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
        )
    )


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of the account's codes; each works once."""
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


# -- passkeys (WebAuthn)


def _passkeys(user_id: int) -> list[SecondFactor]:
    return [f for f in enrolled(user_id) if f.kind == FactorKind.PASSKEY]


def _descriptors(user_id: int) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(f.credential_id))
        for f in _passkeys(user_id)
    ]


def registration_options(user: User, rp_id: str) -> tuple[str, bytes]:
    """What navigator.credentials.create() is given (JSON) and its challenge."""
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=ISSUER,
        user_name=user.username,
        # The user handle: opaque and stable, never the name.
        user_id=hashlib.sha256(f"hotline-user:{user.id}".encode()).digest(),
        user_display_name=user.display_name or user.username,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user.id),  # the same key twice would be no gain
    )
    return options_to_json(options), options.challenge


def add_passkey(
    user: User, credential: str, challenge: bytes, rp_id: str, origin: str, name: str
) -> SecondFactor:
    """Keep the passkey the browser made; PasskeyRefused if its answer does not hold."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(str(error)) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(
        select(SecondFactor.id).where(SecondFactor.credential_id == credential_id)
    ):
        raise PasskeyRefused("this passkey is already registered")
    now = utcnow()
    factor = SecondFactor(
        user_id=user.id,
        kind=FactorKind.PASSKEY,
        name=name,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        confirmed_at=now,
    )
    db.session.add(factor)
    audit.record(user, audit.FACTOR_ADDED, user.username, {"kind": "passkey", "name": name})
    return factor


def authentication_options(user: User, rp_id: str) -> tuple[str, bytes] | None:
    """What navigator.credentials.get() is given, or None without a passkey."""
    allowed = _descriptors(user.id)
    if not allowed:
        return None
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def check_passkey(
    user: User, credential: str, challenge: bytes, rp_id: str, origin: str
) -> SecondFactor | None:
    """The account's passkey that signed this challenge, if one did."""
    try:
        credential_id = json.loads(credential).get("rawId", "")
    except (ValueError, AttributeError):
        return None
    factor = next((f for f in _passkeys(user.id) if f.credential_id == credential_id), None)
    if factor is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=factor.public_key,
            credential_current_sign_count=factor.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return None
    factor.sign_count = verified.new_sign_count
    factor.last_used_at = utcnow()
    return factor


# -- removing


def remove(user: User, factor: SecondFactor) -> None:
    """The account holder removes one of their factors; with the last one go
    the recovery codes (they would open nothing)."""
    db.session.delete(factor)
    detail = {"kind": factor.kind, "name": factor.name}
    audit.record(user, audit.FACTOR_REMOVED, user.username, detail)
    db.session.flush()
    if not has_factor(user.id):
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(user: User, actor: User | str) -> int:
    """The office (or the command line) clears every factor and recovery code
    of an account, and ends its sessions: it enrols again at its next sign-in
    if its role requires a factor. Returns how many factors there were."""
    count = len(enrolled(user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.rotate_sessions()
    audit.record(actor, audit.FACTORS_RESET, user.username, {"factors": count})
    return count
