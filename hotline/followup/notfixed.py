"""The office's queue of citizens' "not fixed" reports (群众反映未解决) on the
follow-up dashboard: see the photo before anyone else may, accept (on the
public timeline), reject (never shown), or reopen the item from a report (重办,
with a new deadline). Each decision commits with its event and audit row,
then pushes."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..access import not_found_for, supervisor_required
from ..changes import notfixed
from ..changes.commitments import FollowupError
from ..changes.uploads import stored_path
from ..clock import today
from ..extensions import db
from ..forms.notfixed import RejectForm, ReopenForm
from ..models import NotFixedReport
from ..queries.notfixed import office_report
from ..realtime import pushes
from ..rules.text import for_log
from . import bp

log = logging.getLogger("hotline.followup")


def _report(report_id: int) -> NotFixedReport:
    report = office_report(report_id, current_user)
    if report is None:
        not_found_for("notfixed report", report_id)
    return report


def _back():
    return redirect(url_for("followup.dashboard") + "#notfixed", 303)


@bp.route("/notfixed/<int:report_id>/photo")
@supervisor_required
def notfixed_photo(report_id: int):
    """The photo as the office checks it, before it is public: never cached."""
    photo = _report(report_id).attachment
    path = stored_path(photo)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _decide(report: NotFixedReport, change, form, done: str):
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return _back()
    try:
        change(report, form)
        db.session.commit()
    except FollowupError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back()
    except StaleDataError:  # the item changed meanwhile (a verification, a note): try again
        db.session.rollback()
        flash(
            _("The item was changed meanwhile: nothing was saved. Look again and decide."), "error"
        )
        return _back()
    log.info(
        "not-fixed report %s %s by %s", report.id, report.status, for_log(current_user.username)
    )
    item = report.commitment
    pushes.commitment_changed(item)
    pushes.dashboard_changed(item)
    flash(done, "success")
    return _back()


@bp.route("/notfixed/<int:report_id>/accept", methods=["POST"])
@supervisor_required
def notfixed_accept(report_id: int):
    return _decide(
        _report(report_id),
        lambda report, _form: notfixed.accept(report, actor=current_user),
        RejectForm(prefix=f"accept-{report_id}"),
        _("Accepted: the report is on the item's public page."),
    )


@bp.route("/notfixed/<int:report_id>/reject", methods=["POST"])
@supervisor_required
def notfixed_reject(report_id: int):
    return _decide(
        _report(report_id),
        lambda report, form: notfixed.reject(report, actor=current_user, note=form.note.data),
        RejectForm(prefix=f"reject-{report_id}"),
        _("Rejected: the report is not shown."),
    )


@bp.route("/notfixed/<int:report_id>/reopen", methods=["POST"])
@supervisor_required
def notfixed_reopen(report_id: int):
    return _decide(
        _report(report_id),
        lambda report, form: notfixed.reopen(
            report,
            actor=current_user,
            reason=form.reason.data,
            deadline=form.deadline.data,
            today=today(),
        ),
        ReopenForm(prefix=f"reopen-{report_id}"),
        _("Reopened (重办): the item is open again, with its new deadline."),
    )
