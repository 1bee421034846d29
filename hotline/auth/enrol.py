"""Setting up second factors: the signed-in account's own page (/auth/factors:
add an authenticator app or a passkey, remove one, make new recovery codes),
and the same for an account whose role requires a factor and has none, right
after its password (/auth/enrol), which signs it in once a factor is added.

The recovery codes are shown once, in the answer that made them (never kept
anywhere but as hashes, never behind a redirect)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import home_for
from ..changes import factors as changes
from ..extensions import db
from ..forms.factors import AppForm, PasskeyForm
from ..models import SecondFactor, User
from ..web import qr_data_uri
from . import bp
from .factors import (
    grant,
    keep_challenge,
    pending,
    pending_next,
    relying_party,
    start_again,
    take_challenge,
)

APP_BEING_ADDED = "app_being_added"


def _enrolling() -> tuple[User, bool] | None:
    """Who is adding a factor: the signed-in account (True), or the account
    that must set one up before it may sign in (False)."""
    if current_user.is_authenticated:
        return current_user, True
    user = pending(enrol=True)
    return (user, False) if user else None


def _page(user: User, signed_in: bool, passkey_form=None, status: int = 200):
    options, challenge = changes.registration_options(user, relying_party()[0])
    keep_challenge(challenge, "register")
    return (
        render_template(
            "auth/factors.html",
            signed_in=signed_in,
            factors=changes.enrolled(user.id) if signed_in else [],
            required=changes.required_for(user),
            codes_left=changes.recovery_codes_left(user.id) if signed_in else 0,
            passkey_form=passkey_form or PasskeyForm(),
            passkey_options=options,
        ),
        status,
    )


@bp.route("/factors")
@login_required
def factors():
    return _page(current_user, True)


@bp.route("/enrol")
def enrol():
    user = pending(enrol=True)
    if user is None:
        return start_again()
    return _page(user, False)


def _added(user: User, signed_in: bool, kind: str):
    """A factor was added (not yet committed): recovery codes with the first
    one, and for an account enrolling at sign-in, the sign-in itself."""
    first = len(changes.enrolled(user.id)) == 1
    codes = changes.make_recovery_codes(user) if first else []
    if signed_in:
        db.session.commit()
        if not codes:
            flash(_("Second factor added."), "success")
            return redirect(url_for("auth.factors"))
        done = url_for("auth.factors")
    else:
        done = pending_next() or home_for(user)
        grant(user, kind, {"enrolled": True})  # commits
    return render_template("auth/recovery_codes.html", codes=codes, done=done)


@bp.route("/factors/app", methods=["GET", "POST"])
def app_add():
    found = _enrolling()
    if found is None:
        return start_again()
    user, signed_in = found
    form = AppForm()
    being_added = changes.app_being_added(user, session.get(APP_BEING_ADDED))
    if form.validate_on_submit() and being_added:
        factor, secret = being_added
        name = form.name.data or _("Authenticator app")
        if changes.confirm_app(user, factor, secret, form.code.data, name):
            session.pop(APP_BEING_ADDED, None)
            return _added(user, signed_in, "totp")
        db.session.commit()  # nothing but a spent code to keep
        form.code.errors.append(_("This code is not right. Type the code the app shows now."))
    if being_added is None:
        if form.is_submitted():
            flash(_("That QR code is no longer valid: scan this new one."), "info")
        factor, secret = changes.start_app(user)
        db.session.commit()
        session[APP_BEING_ADDED] = factor.id
    else:
        factor, secret = being_added
    return render_template(
        "auth/app.html",
        form=form,
        signed_in=signed_in,
        qr=qr_data_uri(changes.provisioning_uri(user, secret)),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), (400 if form.errors else 200)


@bp.route("/factors/passkey", methods=["POST"])
def passkey_add():
    found = _enrolling()
    if found is None:
        return start_again()
    user, signed_in = found
    form = PasskeyForm()
    challenge = take_challenge("register")
    if form.validate() and challenge:
        rp_id, origin = relying_party()
        try:
            changes.add_passkey(
                user, form.credential.data, challenge, rp_id, origin, form.name.data
            )
        except changes.PasskeyRefused:
            form.credential.errors.append(_("The passkey could not be added. Please try again."))
        else:
            return _added(user, signed_in, "passkey")
    elif not form.credential.errors and not form.name.errors:
        form.credential.errors.append(_("The passkey could not be added. Please try again."))
    return _page(user, signed_in, form, 400)


@bp.route("/factors/<int:factor_id>/remove", methods=["POST"])
@login_required
def factor_remove(factor_id: int):
    factor = db.session.get(SecondFactor, factor_id)
    if factor is None or factor.user_id != current_user.id or factor.confirmed_at is None:
        abort(404)
    if changes.required_for(current_user) and len(changes.enrolled(current_user.id)) == 1:
        flash(_("Your role needs a second factor: add another before removing this one."), "error")
        return redirect(url_for("auth.factors"))
    changes.remove(current_user, factor)
    db.session.commit()
    flash(_("Second factor removed."), "success")
    return redirect(url_for("auth.factors"))


@bp.route("/factors/recovery", methods=["POST"])
@login_required
def recovery_codes():
    if not changes.has_factor(current_user.id):
        return redirect(url_for("auth.factors"))
    codes = changes.make_recovery_codes(current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, done=url_for("auth.factors"))
