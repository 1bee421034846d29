"""The follow-up dashboard and one commitment's work page with its actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import not_found_for, staff_required
from ..actions import followup as followup_actions
from ..changes import callbacks, escalation
from ..changes import commitments as domain
from ..changes.uploads import MAX_UPLOAD
from ..clock import today
from ..forms.followup import FORMS, for_item, fresh_form
from ..models import Commitment, Role
from ..queries.followup import dashboard_data, work_item
from ..queries.notfixed import office_queue
from ..queries.replies import for_item as replies_for
from ..web import is_fragment_request, page_or_block
from . import bp

DASHBOARD = "followup/dashboard.html"


def get_commitment(commitment_id: int) -> Commitment:
    item = work_item(commitment_id, current_user)
    if item is None:
        not_found_for("commitment", commitment_id)
    return item


@bp.route("/")
@staff_required
def dashboard():
    """Role-aware: a liaison sees their department (live); the office and moderators see all."""
    if current_user.role == Role.LIAISON:
        department = current_user.department
        if department is None:
            abort(404)
    else:
        department = None
    return page_or_block(
        DASHBOARD,
        "items",
        # The office's queue is on the page, not in the live "items" block.
        notfixed=None if is_fragment_request() else office_queue(current_user),
        **dashboard_data(department, today()),
    )


def page(item: Commitment, status: int = 200, **forms):
    """The work page of one commitment, with the forms this user may use."""
    allowed = followup_actions.allowed_actions(current_user, item, today())
    shown = {name: for_item(forms.get(name) or fresh_form(name, item), item) for name in allowed}
    # Private, for the office's 回访 only: who left the phone (caller or sender).
    contact = callbacks.contact_of(item) if "callback" in allowed else None
    return (
        render_template(
            "followup/commitment.html",
            c=item,
            contact=contact,
            pending=domain.pending_extension(item),
            acknowledge_by=escalation.acknowledge_by(item),
            forms=shown,
            # The office's response templates for the forms shown, filled in.
            replies=replies_for(item, shown, today()),
            max_upload_mb=MAX_UPLOAD // (1024 * 1024),
        ),
        status,
    )


def _saved_already(item: Commitment):
    flash(_("This was already saved."), "info")
    return redirect(url_for("followup.commitment", commitment_id=item.id))


def act(item: Commitment, name: str):
    """Run one follow-up action (hotline/actions/followup.py) and answer with a page.

    Bad input re-renders the form with the message beside the field (422); a
    stale version shows the current record with the user's text kept (409); a
    repeated token shows the result of the first submission.
    """
    form = FORMS[name](prefix=name)
    result = followup_actions.save(item, name, form, actor=current_user, day=today())
    if result.outcome == followup_actions.REPEATED:
        return _saved_already(item)
    if result.outcome == followup_actions.KEY_REUSED:
        abort(400)
    if result.outcome == followup_actions.CONFLICT:
        item = get_commitment(item.id)
        form.version.data = item.version
        form.form_errors.append(
            _(
                "Someone else changed this item while you were writing. The current record "
                "is shown; your text is kept below. Check it and send again."
            )
        )
        return page(item, 409, **{name: form})
    if result.outcome == followup_actions.INVALID:
        if result.message is not None:  # refused by the change itself
            item = get_commitment(item.id)
            field = getattr(form, result.field, None) if result.field else None
            (field.errors if field is not None else form.form_errors).append(result.message)
        return page(item, 422, **{name: form})
    for notice in result.notices:
        flash(notice, "error")
    flash(_("Saved. It is on the public timeline."), "success")
    return redirect(url_for("followup.commitment", commitment_id=item.id))


@bp.route("/commitments/<int:commitment_id>")
@staff_required
def commitment(commitment_id: int):
    return page(get_commitment(commitment_id))


def _view(name: str):
    def view(commitment_id: int):
        return act(get_commitment(commitment_id), name)

    return view


# One POST route per action, /followup/commitments/<id>/<path>, for the roles
# it names: the same table the integration API serves.
followup_actions.add_routes(bp, _view)
