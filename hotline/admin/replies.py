"""The office's response templates (回复模板): the usual words of a progress
note, an extension request, a completion report, a verification note, a
withdrawal reason or an answer on air, for one category or all, with
placeholders ({部门} {地点} {日期} {时限}) filled in when a liaison picks one.
Nothing is deleted: a template is retired (no longer offered) and can come
back; every change is in the audit trail."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..actions import desk as actions
from ..changes import replies
from ..extensions import db
from ..forms.admin import ActiveForm
from ..forms.replies import ACTION_LABELS, ReplyForm
from ..models import Reply
from ..queries import replies as query
from ..rules import replies as rule
from ..rules.text import for_log
from . import bp

log = logging.getLogger("hotline.admin")
PAGE = "admin/replies.html"


def replies_page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    return (
        render_template(
            PAGE,
            rows=query.listed(),
            categories=query.categories(),
            action_labels=ACTION_LABELS,
            placeholders=rule.SHOWN,
            unknown_in=rule.unknown_in,
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


def _saved(message: str, anchor: str, text: str = ""):
    if actions.save() != actions.SAVED:
        abort(409)  # a twin submission changed the same row a moment earlier
    log.info("admin by %s: %s", for_log(current_user.username), for_log(message))
    flash(message, "success")
    unknown = rule.unknown_in(text)
    if unknown:
        flash(
            _(
                "%(names)s is not a placeholder the site fills in: liaisons see it as "
                "written and are asked to fill it in by hand.",
                names="、".join(unknown),
            ),
            "warning",
        )
    return redirect(url_for("admin.replies_index") + "#" + anchor)


def _refused(form: ReplyForm, key: str):
    message = next((str(m[0]) for m in form.errors.values() if m), "")
    values = {
        key: {name: request.form.get(name, "") for name in ("action", "category", "title", "text")}
    }
    return replies_page(422, {key: message}, values)


@bp.route("/replies")
@supervisor_required
def replies_index():
    return replies_page()


@bp.route("/replies", methods=["POST"])
@supervisor_required
def reply_add():
    form = ReplyForm()
    if not form.validate():
        return _refused(form, "reply-new")
    row = replies.add(
        action=form.action.data,
        category_id=form.category.data,
        title=form.title.data,
        text=form.text.data,
        actor=current_user,
    )
    db.session.flush()
    return _saved(_("Template %(title)s added.", title=row.title), f"reply-{row.id}", row.text)


@bp.route("/replies/<int:reply_id>", methods=["POST"])
@supervisor_required
def reply_change(reply_id: int):
    row = db.session.get(Reply, reply_id) or abort(404)
    form = ReplyForm()
    key = f"reply-{row.id}"
    if not form.validate():
        return _refused(form, key)
    replies.change(
        row,
        action=form.action.data,
        category_id=form.category.data,
        title=form.title.data,
        text=form.text.data,
        actor=current_user,
    )
    return _saved(_("Template %(title)s saved.", title=row.title), key, row.text)


@bp.route("/replies/<int:reply_id>/active", methods=["POST"])
@supervisor_required
def reply_active(reply_id: int):
    row = db.session.get(Reply, reply_id) or abort(404)
    on = ActiveForm().on
    replies.set_active(row, on, current_user)
    message = (
        _("Template %(title)s is offered again.", title=row.title)
        if on
        else _("Template %(title)s is retired: no longer offered.", title=row.title)
    )
    return _saved(message, f"reply-{row.id}")
