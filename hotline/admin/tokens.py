"""API tokens and webhooks (docs/api.md, "Integration API"): the office creates a
token for a telephony system, a 12345 system or the control-room buttons, sees
its secret once, and revokes it; and registers the HTTPS endpoints that hear
about changes, with their deliveries on the record."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import scope_problems, supervisor_required
from ..actions import desk as actions
from ..changes import audit, tokens
from ..clock import local_to_utc
from ..extensions import db
from ..forms.admin import TokenForm
from ..integration import webhooks
from ..models import Department, Deputy, Role
from . import bp

PAGE = "admin/tokens.html"


def tokens_page(status: int = 200, errors: dict | None = None, secret: str | None = None):
    return (
        render_template(
            PAGE,
            tokens=tokens.all_tokens(),
            departments=db.session.scalars(
                select(Department).where(Department.active).order_by(Department.id)
            ).all(),
            deputies=db.session.scalars(
                select(Deputy).where(Deputy.active).order_by(Deputy.id)
            ).all(),
            roles=list(Role),
            errors=errors or {},
            values=request.form if errors else {},
            secret=secret,
            hooks=db.session.scalars(select(webhooks.Webhook).order_by(webhooks.Webhook.id)).all(),
            event_types=webhooks.EVENT_TYPES,
            recent=db.session.scalars(
                select(webhooks.WebhookDelivery)
                .order_by(webhooks.WebhookDelivery.id.desc())
                .limit(20)
            ).all(),
        ),
        status,
    )


@bp.route("/tokens")
@supervisor_required
def tokens_index():
    return tokens_page()


def _expiry(day: date) -> datetime:
    """The last local day the token works, as the UTC moment it stops."""
    return local_to_utc(datetime.combine(day, time.max))


@bp.route("/tokens", methods=["POST"])
@supervisor_required
def token_create():
    form = TokenForm()
    form.validate()
    errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
    name, role = form.name.data, form.role.data
    if "name" not in errors and db.session.scalar(
        select(tokens.ApiToken.id).where(tokens.ApiToken.name == name)
    ):
        errors["name"] = _("This name is taken.")
    department_id, deputy_id = form.department(), form.deputy()
    department = db.session.get(Department, department_id) if department_id else None
    deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
    errors.update(scope_problems(role, department, deputy))
    if errors:
        return tokens_page(422, errors)
    last_day = form.last_day()
    token, secret = tokens.create(
        name,
        role,
        department_id=department.id if department else None,
        deputy_id=deputy.id if deputy else None,
        expires_at=_expiry(last_day) if last_day else None,
        actor=current_user,
        scope=form.scope.data or "",
    )
    if actions.save() != actions.SAVED:
        abort(409)
    # Shown in this response only: it is stored hashed and cannot be shown again.
    return tokens_page(201, secret=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@supervisor_required
def token_revoke(token_id: int):
    token = db.session.get(tokens.ApiToken, token_id) or abort(404)
    tokens.revoke(token, current_user)
    if actions.save() != actions.SAVED:
        abort(409)
    flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("admin.tokens_index"))


@bp.route("/webhooks", methods=["POST"])
@supervisor_required
def webhook_create():
    form = request.form
    department_id = form.get("department_id") or None
    department = (
        db.session.get(Department, int(department_id))
        if str(department_id or "").isdigit()
        else None
    )
    try:
        hook = webhooks.register(
            (form.get("url") or "").strip(),
            form.getlist("events"),
            department_id=department.id if department else None,
            own_system=form.get("own_system") == "1",
        )
    except webhooks.AddressRefused:
        message = _(
            "This address is not allowed: it is this site, or on the loopback, private or "
            "link-local network. Only addresses on the internet are reached, or those the "
            "HOTLINE_WEBHOOK_ALLOW setting names."
        )
        return tokens_page(422, {"webhook-url": message})
    except ValueError as bad:
        field = str(bad)
        message = (
            _("Give an https:// address.") if field == "url" else _("Choose at least one event.")
        )
        return tokens_page(422, {f"webhook-{field}": message})
    audit.record(current_user, "webhook_created", hook.url[:200], {"events": hook.events})
    if actions.save() != actions.SAVED:
        abort(409)
    # The signing secret, like a token, is shown once here.
    return tokens_page(201, secret=hook.secret)


@bp.route("/webhooks/<int:hook_id>/active", methods=["POST"])
@supervisor_required
def webhook_active(hook_id: int):
    hook = db.session.get(webhooks.Webhook, hook_id) or abort(404)
    hook.active = request.form.get("active") == "1"
    audit.record(current_user, "webhook_active", hook.url[:200], {"active": hook.active})
    if actions.save() != actions.SAVED:
        abort(409)
    return redirect(url_for("admin.tokens_index") + "#webhooks")
