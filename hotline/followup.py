"""After the show: progress, extensions, completion, verification and 督办.

Liaisons work on their own department's commitments (the department check is
in the query: another department's item is a 404); the supervisor decides
extensions, verifies or reopens completions, presses and withdraws. Each POST
runs one domain function from commitments.py, commits once, then publishes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import smtplib
from datetime import datetime, time, timedelta
from pathlib import Path

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage
from wtforms import DateField, IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DateRange, NumberRange, Optional

from . import board, live, mail, reports
from . import commitments as domain
from .auth import not_found_for, roles_required, staff_required
from .extensions import db
from .forms import LATEST_DEADLINE, VersionedForm, text
from .models import (
    Attachment,
    Call,
    Commitment,
    Department,
    Event,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Rating,
    RatingValue,
    Redaction,
    Role,
    Show,
)
from .status import Code, State, local_date
from .web import (
    csv_download,
    format_datetime,
    local_to_utc,
    outcome_label,
    page_or_block,
    render_block,
    status_text,
    today,
)

bp = Blueprint("followup", __name__, url_prefix="/followup")
log = logging.getLogger("hotline.followup")

worker_required = roles_required(Role.LIAISON, Role.SUPERVISOR)
supervisor_required = roles_required(Role.SUPERVISOR)

DUE_SOON_DAYS = 7
DASHBOARD = "followup/dashboard.html"


# ---------------------------------------------------------------- uploads

MAX_UPLOAD = 5 * 1024 * 1024
# Type is decided by the first bytes, never by the name or the browser's claim.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


def read_upload(file: FileStorage | None) -> tuple[Attachment, bytes] | None:
    """Check an uploaded file and make its Attachment (not yet written to disk)."""
    if file is None or not file.filename:
        return None
    content = file.stream.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise domain.FollowupError("evidence", _l("The file is larger than 5 MB."))
    if not content:
        raise domain.FollowupError("evidence", _l("The file is empty."))
    kind = sniff(content[:8])
    if kind is None:
        raise domain.FollowupError("evidence", _l("Only JPEG, PNG or PDF files can be attached."))
    content_type, ext = kind
    # The name is shown and sent back in a header: no control characters, and
    # the extension is the one the content proved, not the one it was sent with.
    stem = Path(file.filename.replace("\\", "/")).stem
    stem = "".join(ch for ch in stem if ch.isprintable()).strip()[:150] or "evidence"
    name = stem + ext
    attachment = Attachment(
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_name=secrets.token_hex(16) + ext,
    )
    return attachment, content


def upload_dir() -> Path:
    path = Path(current_app.config["HOTLINE_UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.route("/evidence/<int:attachment_id>")
def evidence(attachment_id: int):
    """Evidence is public (the department's, not a caller's): served with safe headers."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.event_id is None:
        abort(404)
    withheld = db.session.scalar(select(Redaction.id).where(Redaction.event_id == item.event_id))
    if withheld and not (current_user.is_authenticated and current_user.role == Role.SUPERVISOR):
        abort(404)  # withheld by the office: not public any more
    path = upload_dir() / item.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        download_name=item.filename,
        max_age=3600,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/events/<int:event_id>/withhold", methods=["POST"])
@supervisor_required
def withhold(event_id: int):
    """The office takes an entry's note and files off public view, with a reason."""
    event = db.session.get(Event, event_id) or abort(404)
    try:
        domain.withhold(event, actor=current_user, reason=request.form.get("reason", ""))
        db.session.commit()
    except domain.FollowupError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("followup.commitment", commitment_id=event.commitment_id), 303)
    log.info("withheld event=%s by %s", event.id, current_user.username)
    board.publish_commitment(event.commitment)
    flash(_("Withheld from public view; the reason is on the public timeline."), "success")
    return redirect(url_for("followup.commitment", commitment_id=event.commitment_id), 303)


# ---------------------------------------------------------------- forms


class ProgressForm(VersionedForm):
    note = text(_l("Progress note"), 5000, area=True)
    percent = IntegerField(
        _l("Percent done (optional)"),
        validators=[Optional(), NumberRange(0, 100, _l("The percentage is between 0 and 100."))],
    )
    evidence = FileField(_l("Photo or document (optional)"))


class ExtensionForm(VersionedForm):
    new_deadline = DateField(
        _l("New deadline"),
        validators=[
            Optional(),
            DateRange(max=LATEST_DEADLINE, message=_l("Give a date before the year 2101.")),
        ],
    )
    reason = text(_l("Reason"), 5000, area=True)


class CompletionForm(VersionedForm):
    note = text(_l("What was done"), 5000, area=True)
    evidence = FileField(_l("Evidence: photo or document (optional)"))


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("grant", _l("Grant")), SelectChoice("refuse", _l("Refuse"))],
        validators=[Optional()],
    )
    reason = text(_l("Reason (public)"), 5000, area=True)


class VerifyForm(VersionedForm):
    note = text(_l("Note (optional, public)"), 5000, area=True)


class ReopenForm(VersionedForm):
    reason = text(_l("Why it is sent back (public)"), 5000, area=True)


class PressForm(VersionedForm):
    note = text(_l("Press note (public)"), 5000, area=True)


class WithdrawForm(VersionedForm):
    reason = text(_l("Reason for withdrawal (public)"), 5000, area=True)


FORMS = {
    "progress": ProgressForm,
    "extension": ExtensionForm,
    "completion": CompletionForm,
    "decision": DecisionForm,
    "verify": VerifyForm,
    "reopen": ReopenForm,
    "press": PressForm,
    "withdraw": WithdrawForm,
}


def fresh_form(name: str, commitment: Commitment) -> VersionedForm:
    """An unsubmitted form with the item's current version and a new key."""
    return FORMS[name](formdata=None, prefix=name, version=commitment.version)


# ---------------------------------------------------------------- queries


def scoped(query):
    """A liaison sees only their own department: the check is part of the query."""
    if current_user.role == Role.LIAISON:
        return query.where(Commitment.department_id == current_user.department_id)
    return query


def get_commitment(commitment_id: int) -> Commitment:
    item = db.session.scalar(
        scoped(
            select(Commitment)
            .options(
                selectinload(Commitment.department),
                selectinload(Commitment.call).selectinload(Call.show),
                selectinload(Commitment.events).selectinload(Event.attachments),
                selectinload(Commitment.events).selectinload(Event.actor),
            )
            .where(Commitment.id == commitment_id)
        )
    )
    if item is None:
        not_found_for("commitment", commitment_id)
    return item


def page(item: Commitment, status: int = 200, **forms):
    """The work page of one commitment, with the forms this user may use."""
    pending = domain.pending_extension(item)
    role = current_user.role
    allowed = []
    if item.state == State.OPEN and role in (Role.LIAISON, Role.SUPERVISOR):
        allowed += ["progress", "completion"]
        if pending is None:
            allowed.append("extension")
    if role == Role.SUPERVISOR:
        if pending is not None and pending.requested_by_id != current_user.id:
            allowed.append("decision")
        if item.state == State.REPORTED:
            allowed += ["verify", "reopen"]
        if item.state == State.OPEN:
            allowed.append("press")
        if item.state in (State.OPEN, State.REPORTED):
            allowed.append("withdraw")
    shown = {name: forms.get(name) or fresh_form(name, item) for name in allowed}
    return (
        render_template(
            "followup/commitment.html",
            c=item,
            pending=pending,
            forms=shown,
            max_upload_mb=MAX_UPLOAD // (1024 * 1024),
        ),
        status,
    )


def act(item: Commitment, name: str, action, after=None):
    """Run one follow-up action: validate, change, commit once, publish.

    `action(form, attachments)` calls the domain function. Bad input re-renders
    the form with the message beside the field (422); a stale version shows the
    current record with the user's text kept (409); a repeated token shows the
    result of the first submission.
    """
    form = FORMS[name](prefix=name)
    if form.idem.data and already_done(form.idem.data, item):
        flash(_("This was already saved."), "info")
        return redirect(url_for("followup.commitment", commitment_id=item.id))
    if not form.validate_on_submit():
        return page(item, 422, **{name: form})
    files = []
    try:
        if "evidence" in form:
            upload = read_upload(form.evidence.data)
            if upload:
                files.append(upload)
        action(form, [a for a, _content in files])
        written = [(upload_dir() / a.stored_name, content) for a, content in files]
        for path, content in written:
            path.write_bytes(content)
        try:
            db.session.commit()
        except BaseException:
            for path, _content in written:
                path.unlink(missing_ok=True)
            raise
    except (domain.VersionConflict, StaleDataError):
        # StaleDataError: a twin request saved the same version a moment earlier.
        db.session.rollback()
        if form.idem.data and already_done(form.idem.data, item):
            flash(_("This was already saved."), "info")
            return redirect(url_for("followup.commitment", commitment_id=item.id))
        item = get_commitment(item.id)
        form.version.data = item.version
        form.form_errors.append(
            _(
                "Someone else changed this item while you were writing. The current record "
                "is shown; your text is kept below. Check it and send again."
            )
        )
        return page(item, 409, **{name: form})
    except domain.FollowupError as error:
        db.session.rollback()
        item = get_commitment(item.id)
        field = getattr(form, error.field, None) if error.field else None
        (field.errors if field is not None else form.form_errors).append(str(error.message))
        return page(item, 422, **{name: form})
    except IntegrityError:
        db.session.rollback()
        if form.idem.data and already_done(form.idem.data, item):  # the twin request won
            flash(_("This was already saved."), "info")
            return redirect(url_for("followup.commitment", commitment_id=item.id))
        log.warning("followup %s refused: token reused, commitment=%s", name, item.id)
        abort(400)
    log.info("followup %s: commitment=%s user=%s", name, item.id, current_user.username)
    board.publish_commitment(item)
    publish_dashboard(item)
    if after is not None:
        after(form)
    flash(_("Saved. It is on the public timeline."), "success")
    return redirect(url_for("followup.commitment", commitment_id=item.id))


def already_done(key: str, item: Commitment) -> bool:
    return (
        db.session.scalar(
            select(Event.id).where(Event.idempotency_key == key, Event.commitment_id == item.id)
        )
        is not None
    )


# ---------------------------------------------------------------- pages


def dashboard_data(department: Department | None) -> dict:
    """What the dashboard shows: one department's items (a liaison's), or all.

    Takes the department rather than reading current_user, because the same
    block is also rendered once and pushed to every liaison of the department.
    """
    day = today()

    def only_department(query):
        if department is None:
            return query
        return query.where(Commitment.department_id == department.id)

    items = db.session.scalars(
        only_department(
            select(Commitment)
            .options(
                selectinload(Commitment.department),
                selectinload(Commitment.call).selectinload(Call.show),
            )
            .where(Commitment.state.in_([State.OPEN, State.REPORTED]))
            .order_by(Commitment.deadline, Commitment.id)
        )
    ).all()
    groups = {"overdue": [], "due_soon": [], "reported": [], "later": []}
    for c in items:
        st = c.status(day)
        if st.code == Code.OVERDUE:
            groups["overdue"].append(c)
        elif st.code == Code.REPORTED:
            groups["reported"].append(c)
        elif c.deadline <= day + timedelta(days=DUE_SOON_DAYS):
            groups["due_soon"].append(c)
        else:
            groups["later"].append(c)
    pending = db.session.scalars(
        only_department(
            select(ExtensionRequest)
            .join(Commitment, ExtensionRequest.commitment_id == Commitment.id)
            .options(selectinload(ExtensionRequest.commitment).selectinload(Commitment.department))
            .where(ExtensionRequest.status == ExtensionStatus.PENDING)
            .order_by(ExtensionRequest.created_at)
        )
    ).all()
    # Escalation history at a glance: how often each listed item was pressed.
    presses = dict(
        db.session.execute(
            select(Event.commitment_id, func.count(Event.id))
            .where(Event.kind == EventKind.PRESSED, Event.commitment_id.in_([c.id for c in items]))
            .group_by(Event.commitment_id)
        ).all()
    )
    return {
        "groups": groups,
        "presses": presses,
        "pending": pending,
        "department": department,
        "due_soon_days": DUE_SOON_DAYS,
    }


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
    return page_or_block(DASHBOARD, "items", **dashboard_data(department))


def publish_dashboard(commitment: Commitment) -> None:
    """Update the dashboard of the commitment's department for its liaisons."""
    department = db.session.get(Department, commitment.department_id)
    live.publish(
        live.STAFF,
        f"department:{department.id}",
        target="#followup-items",
        swap="outerHTML",
        render=lambda: render_block(DASHBOARD, "items", **dashboard_data(department)),
    )


@bp.route("/commitments/<int:commitment_id>")
@staff_required
def commitment(commitment_id: int):
    return page(get_commitment(commitment_id))


@bp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@worker_required
def progress(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "progress",
        lambda f, files: domain.post_progress(
            item,
            actor=current_user,
            note=f.note.data,
            percent=f.percent.data,
            attachments=files,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/extension", methods=["POST"])
@worker_required
def extension(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "extension",
        lambda f, _files: domain.request_extension(
            item,
            actor=current_user,
            new_deadline=f.new_deadline.data,
            reason=f.reason.data,
            today=today(),
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/completion", methods=["POST"])
@worker_required
def completion(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "completion",
        lambda f, files: domain.report_completion(
            item,
            actor=current_user,
            note=f.note.data,
            on=today(),
            attachments=files,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/decision", methods=["POST"])
@supervisor_required
def decision(commitment_id: int):
    item = get_commitment(commitment_id)

    def decide(f, _files):
        pending = domain.pending_extension(item)
        if pending is None:
            raise domain.FollowupError("", _l("There is no extension request waiting."))
        if f.decision.data not in ("grant", "refuse"):
            raise domain.FollowupError("decision", _l("Choose grant or refuse."))
        domain.decide_extension(
            pending,
            actor=current_user,
            grant=f.decision.data == "grant",
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        )

    return act(item, "decision", decide)


@bp.route("/commitments/<int:commitment_id>/verify", methods=["POST"])
@supervisor_required
def verify(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "verify",
        lambda f, _files: domain.verify_completion(
            item,
            actor=current_user,
            note=f.note.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/reopen", methods=["POST"])
@supervisor_required
def reopen(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "reopen",
        lambda f, _files: domain.reopen(
            item,
            actor=current_user,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/press", methods=["POST"])
@supervisor_required
def press(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "press",
        lambda f, _files: domain.press(
            item,
            actor=current_user,
            note=f.note.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
        after=lambda f: notify_pressed(item, f.note.data),
    )


def notify_pressed(item: Commitment, note: str) -> None:
    """督办 reaches the department at once by e-mail (when SMTP is set up), not
    only at the next reminder. A mail failure never undoes the saved press."""
    to = mail.recipients_for(item.department)
    if not mail.configured() or not to:
        return
    link = url_for("followup.commitment", commitment_id=item.id, _external=True)
    subject = _("[Hotline] Pressed: commitment #%(id)d", id=item.id)
    body = "\n\n".join([
        _("The standing committee office pressed this commitment (督办):"),
        item.pledge,
        note.strip(),
        _("Deadline: %(date)s", date=item.deadline.isoformat()),
        link,
    ])  # fmt: skip
    try:
        mail.send([(to, subject, body)])
    except (OSError, smtplib.SMTPException):
        log.exception("press notice for commitment %s not sent", item.id)
        flash(_("The press is saved, but the e-mail to the department could not be sent."), "error")


@bp.route("/commitments/<int:commitment_id>/withdraw", methods=["POST"])
@supervisor_required
def withdraw(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "withdraw",
        lambda f, _files: domain.withdraw(
            item,
            actor=current_user,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


# ---------------------------------------------------------------- the three lists and the report
# Public (三张清单 are posted publicly): no caller details are ever loaded here.

lists = Blueprint("lists", __name__, url_prefix="/lists")

LISTS = ("suggestions", "assignments", "results")


def list_title(kind: str) -> str:
    return {
        "suggestions": _("Suggestion list"),
        "assignments": _("Assignment list"),
        "results": _("Result list"),
    }[kind]


def asked_period() -> reports.Period:
    text = request.args.get("period") or str(today().year)
    try:
        return reports.parse_period(text)
    except ValueError:
        abort(404)


def utc_bounds(period: reports.Period) -> tuple[datetime, datetime]:
    """The period's local days as a half-open range of stored (naive UTC) times."""
    start = local_to_utc(datetime.combine(period.start, time()))
    end = local_to_utc(datetime.combine(period.end + timedelta(days=1), time()))
    return start, end


def period_choices(day) -> list[str]:
    year = day.year
    keys = []
    for y in (year, year - 1):
        keys += [str(y), f"{y}-H1", f"{y}-H2"] + [f"{y}-Q{q}" for q in range(1, 5)]
    return keys


def commitments_in(period: reports.Period) -> list[Commitment]:
    start, end = utc_bounds(period)
    return db.session.scalars(
        select(Commitment)
        .options(
            selectinload(Commitment.department),
            selectinload(Commitment.call).selectinload(Call.show),
        )
        .where(Commitment.created_at >= start, Commitment.created_at < end)
        .order_by(Commitment.department_id, Commitment.created_at, Commitment.id)
    ).all()


def online_votes(ids: list[int]) -> dict[int, list[int]]:
    """{commitment id: [satisfied, basic, dissatisfied]} from citizens' online ratings."""
    order = {RatingValue.SATISFIED: 0, RatingValue.BASIC: 1, RatingValue.DISSATISFIED: 2}
    votes: dict[int, list[int]] = {}
    if not ids:
        return votes
    for commitment_id, value, n in db.session.execute(
        select(Rating.commitment_id, Rating.value, func.count(Rating.id))
        .where(Rating.commitment_id.in_(ids))
        .group_by(Rating.commitment_id, Rating.value)
    ):
        if value in order:
            votes.setdefault(commitment_id, [0, 0, 0])[order[value]] += n
    return votes


def votes_of(
    c: Commitment, online: dict[int, list[int]], counted_calls: set[int] | None = None
) -> tuple[int, int, int]:
    """Online ratings of the commitment plus the placard vote of its call. When
    adding up, pass `counted_calls`: a call's placards then count once, however
    many commitments the call produced."""
    s, b, d = online.get(c.id, [0, 0, 0])
    call = c.call
    if counted_calls is not None:
        if call.id in counted_calls:
            return s, b, d
        counted_calls.add(call.id)
    if call.has_placard:
        s += call.placard_satisfied or 0
        b += call.placard_basic or 0
        d += call.placard_dissatisfied or 0
    return s, b, d


@lists.route("/")
def index():
    return render_template(
        "followup/lists_index.html",
        period=asked_period(),
        choices=period_choices(today()),
        kinds=LISTS,
        list_title=list_title,
    )


@lists.route("/<any(suggestions, assignments, results):kind>")
def show_list(kind: str):
    period = asked_period()
    day = today()
    if kind == "suggestions":
        start, end = utc_bounds(period)
        calls = db.session.scalars(
            select(Call)
            .join(Show, Call.show_id == Show.id)
            .options(selectinload(Call.department), selectinload(Call.show))
            .where(Show.starts_at >= start, Show.starts_at < end)
            .order_by(Show.starts_at, Call.number)
        ).all()
        header = [_("Show"), _("Date"), _("Call"), _("Area"), _("Topic"), _("Department"),
                  _("Outcome")]  # fmt: skip
        rows = [
            [
                c.show.title,
                format_datetime(c.received_at)[:10],
                c.number,
                c.area,
                c.topic,
                c.department.name if c.department else "",
                outcome_label(c.outcome),
            ]
            for c in calls
        ]
        links = [url_for("board.show", show_id=c.show_id) for c in calls]
    else:
        items = commitments_in(period)
        online = online_votes([c.id for c in items])
        if kind == "assignments":
            header = [_("Department"), _("Commitment"), _("Official"), _("Show"),
                      _("Original deadline"), _("Deadline"), _("Status")]  # fmt: skip
            rows = [
                [
                    c.department.name,
                    c.pledge,
                    f"{c.official_name} {c.official_title}".strip(),
                    c.call.show.title,
                    c.original_deadline.isoformat(),
                    c.deadline.isoformat(),
                    status_text(c.status(day)),
                ]
                for c in items
            ]
        else:
            header = [_("Department"), _("Commitment"), _("Status"), _("Reported done on"),
                      _("Satisfied"), _("Basically satisfied"), _("Dissatisfied")]  # fmt: skip
            rows = [
                [
                    c.department.name,
                    c.pledge,
                    status_text(c.status(day)),
                    c.completed_on.isoformat() if c.completed_on else "",
                    *votes_of(c, online),
                ]
                for c in items
            ]
        links = [url_for("board.commitment", commitment_id=c.id) for c in items]
    if request.args.get("format") == "csv":
        return csv_download(f"{kind}-{period.key}", header, rows)
    return render_template(
        "followup/list.html",
        kind=kind,
        title=list_title(kind),
        period=period,
        choices=period_choices(day),
        header=header,
        rows=list(zip(rows, links, strict=True)),
    )


@lists.route("/qr.svg")
def qr():
    """QR code of one of our own list or report pages (never an arbitrary address)."""
    kind = request.args.get("for", "")
    period = asked_period()
    if kind in LISTS:
        target = url_for("lists.show_list", kind=kind, period=period.key, _external=True)
    elif kind == "report":
        target = url_for("lists.report", period=period.key, _external=True)
    else:
        abort(404)
    out = io.BytesIO()
    segno.make(target, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def report_rows(period: reports.Period) -> list[reports.Row]:
    items = commitments_in(period)
    online = online_votes([c.id for c in items])
    zone = current_app.config["HOTLINE_TIMEZONE"]
    counted_calls: set[int] = set()
    return [
        reports.Row(
            department=c.department.name,
            created_on=local_date(c.created_at, zone),
            state=c.state,
            deadline=c.deadline,
            original_deadline=c.original_deadline,
            completed_on=c.completed_on,
            votes=votes_of(c, online, counted_calls),
        )
        for c in items
    ]


def column_label(column: str) -> str:
    return {
        "made": _("Made"),
        "met_on_time": _("Met on time"),
        "met_after_extension": _("Met after extension"),
        "met_late": _("Met late"),
        "extended": _("Extended"),
        "overdue": _("Overdue"),
        "reported": _("Awaiting verification"),
        "withdrawn": _("Withdrawn"),
        "median_days": _("Median days to report"),
        "satisfaction": _("Satisfaction"),
    }[column]


@lists.route("/report")
def report():
    period = asked_period()
    lines, total = reports.build(report_rows(period), period, today())
    if request.args.get("format") == "csv":
        header = [_("Department")] + [column_label(col) for col in reports.COLUMNS]
        rows = [[line.department] + [reports.cell(line, col) for col in reports.COLUMNS]
                for line in lines]  # fmt: skip
        rows.append([_("Total")] + [reports.cell(total, col) for col in reports.COLUMNS])
        return csv_download(f"report-{period.key}", header, rows)
    bars, top = reports.chart(lines, width=CHART_WIDTH)
    return render_template(
        "followup/report.html",
        period=period,
        choices=period_choices(today()),
        lines=lines,
        total=total,
        columns=reports.COLUMNS,
        column_label=column_label,
        cell=reports.cell,
        chart=list(zip(lines, bars, strict=True)),
        top=top,
        chart_width=CHART_WIDTH,
    )


CHART_WIDTH = 600


# ---------------------------------------------------------------- reminders (flask remind)


def reminders(day, within: int = DUE_SOON_DAYS) -> list[tuple[str, list, list]]:
    """Per active department: (name, overdue items, items due within `within` days).

    Only open items; the status is computed for `day`, so no job is needed to
    move an item from "due" to "overdue" at midnight.
    """
    items = db.session.scalars(
        select(Commitment)
        .join(Commitment.department)
        .options(selectinload(Commitment.department), selectinload(Commitment.events))
        .where(
            Commitment.state == State.OPEN,
            Commitment.deadline <= day + timedelta(days=within),
        )
        .order_by(Commitment.department_id, Commitment.deadline, Commitment.id)
    ).all()
    result: dict[str, tuple[str, list, list]] = {}
    for c in items:
        name = c.department.name
        entry = result.setdefault(name, (name, [], []))
        (entry[1] if c.status(day).code == Code.OVERDUE else entry[2]).append(c)
    return list(result.values())


def reminder_text(name: str, overdue: list, due: list, day, within: int = DUE_SOON_DAYS) -> str:
    """The reminder for one department, in the site's default language."""
    lines = [
        _(
            "%(department)s: %(overdue)d overdue, %(due)d due within %(n)d days (as of %(day)s)",
            department=name,
            overdue=len(overdue),
            due=len(due),
            n=within,
            day=day.isoformat(),
        ),  # fmt: skip
    ]
    for c in overdue + due:
        lines.append(
            f"  #{c.id} [{status_text(c.status(day))}] {_('Deadline')} {c.deadline.isoformat()}"
            f" · {c.pledge}"
        )
        pressed = [e for e in c.events if e.kind == "pressed"]
        if pressed:
            lines.append("      " + _("Pressed: %(note)s", note=pressed[-1].note))
    return "\n".join(lines)
