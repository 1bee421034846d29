"""Single sign-on links (docs/operating.md, "Single sign-on"): the office
links a staff account to the identity the IdP vouches for, or unlinks it.
Only shown and only reachable when single sign-on is configured."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..actions import desk as actions
from ..changes import sso as links
from ..changes import tokens
from ..extensions import db
from ..forms.sso import SsoLinkForm
from ..integration import sso
from ..models import User
from . import bp


@bp.route("/users/<int:user_id>/sso", methods=["POST"])
@supervisor_required
def user_sso(user_id: int):
    if not sso.configured():
        abort(404)
    user = db.session.get(User, user_id) or abort(404)
    if user.id in tokens.token_users():  # a token's account is no person: no sign-in
        abort(404)
    back = redirect(url_for("admin.index") + f"#user-{user.id}")
    form = SsoLinkForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return back
    issuer, subject = sso.issuer(), form.subject.data or None
    if subject and links.linked_elsewhere(user, issuer, subject):
        flash(_("Another account is already linked to %(value)s.", value=subject), "error")
        return back
    claim = current_app.config["HOTLINE_OIDC_CLAIM"]
    if not links.link(current_user, user, issuer, claim, subject):
        return back
    if actions.save() != actions.SAVED:
        abort(409)  # a twin submission linked the same identity a moment earlier
    if subject:
        message = _("%(name)s now signs in with %(value)s.", name=user.username, value=subject)
    else:
        message = _("Single sign-on unlinked from %(name)s.", name=user.username)
    flash(message, "success")
    return back


@bp.context_processor
def sso_links() -> dict:
    # The account list shows each account's link only when single sign-on is
    # on; a link to another issuer (an IdP since replaced) opens nothing, so shows empty.
    if not sso.configured():
        return {"sso_claim": None}
    return {"sso_claim": current_app.config["HOTLINE_OIDC_CLAIM"], "sso_issuer": sso.issuer()}
