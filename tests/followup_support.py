"""Helpers the follow-up tests share (tests/followup/, and others that need a
commitment to work on): make one, submit a follow-up form, read its status."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from hotline.changes.commitments import create_commitment
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Call, Commitment, Department, Event


def local_today(app):
    with app.app_context():
        return today()


HOUSING = "市住房和城乡建设局"
TRANSPORT = "市交通运输局"


def make_commitment(app, *, days: int = 10, department: str = HOUSING) -> int:
    """A fresh open commitment due `days` from today (negative: already overdue)."""
    with app.app_context():
        dept = db.session.scalar(select(Department).where(Department.name == department))
        call = db.session.scalar(select(Call).where(Call.department_id == dept.id).limit(1))
        item = create_commitment(
            call,
            department_id=dept.id,
            pledge="修复凤凰街道某小区破损路面",
            official_name="周建华",
            official_title="局长",
            deadline=today() + timedelta(days=days),
            actor=None,
        )
        db.session.commit()
        return item.id


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert match, f"no field {name} on the page"
    return match.group(1)


def form_state(client, cid: int, form: str) -> dict:
    html = client.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    return {
        f"{form}-version": hidden(html, f"{form}-version"),
        f"{form}-idem": hidden(html, f"{form}-idem"),
    }


def submit(client, cid: int, form: str, path: str | None = None, **fields):
    """Fill the form as rendered (version, token) and post it. After every saved
    step, the public timeline must show exactly the recorded history."""
    data = form_state(client, cid, form)
    data.update({f"{form}-{k}": v for k, v in fields.items()})
    response = client.post_form(f"/followup/commitments/{cid}/{path or form}", data)
    if response.status_code == 302:
        assert_public_timeline_matches(client.application, cid)
    return response


def assert_public_timeline_matches(app, cid: int) -> None:
    page = app.test_client().get(f"/commitments/{cid}").get_data(as_text=True)
    shown = re.findall(r'<li id="event-(\d+)" data-kind="([a-z_]+)"', page)
    with app.app_context():
        recorded = db.session.execute(
            select(Event.id, Event.kind).where(Event.commitment_id == cid).order_by(Event.id)
        ).all()
    assert [(int(i), k) for i, k in shown] == [(i, k) for i, k in recorded]


def load(app, cid: int) -> Commitment:
    with app.app_context():
        item = db.session.get(Commitment, cid)
        db.session.expunge(item)
        return item


def event_kinds(app, cid: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Event.kind).where(Event.commitment_id == cid).order_by(Event.id)
            )
        )


def event_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Event.id)))


def public_status(client, cid: int) -> str:
    html = client.get(f"/commitments/{cid}").get_data(as_text=True)
    match = re.search(
        r'<p class="current-status"><span class="status [^"]*" data-status="(\w+)"', html
    )
    assert match, "no status on the public page"
    return match.group(1)


def public_page(client, cid):
    return client.get(f"/commitments/{cid}").get_data(as_text=True)


def gps_jpeg(width: int = 40, height: int = 30) -> bytes:
    """A phone's photo: EXIF with the camera, GPS coordinates and an orientation
    (turn 90° to stand upright), and a comment. Built with Pillow's Exif API."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 1.0)})
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG", exif=exif, comment=b"SecretComment")
    return out.getvalue()


def reported_item(app, *, verified: bool) -> int:
    """A fresh commitment reported done by the housing liaison (and verified by
    the office when `verified`)."""
    from hotline.changes.commitments import report_completion, verify_completion
    from hotline.models import User

    cid = make_commitment(app)
    with app.test_request_context("/"):
        item = db.session.get(Commitment, cid)
        liaison = db.session.scalar(select(User).where(User.username == "housing"))
        office = db.session.scalar(select(User).where(User.username == "office"))
        report_completion(item, actor=liaison, note="已修复", on=today(), version=item.version)
        if verified:
            verify_completion(item, actor=office, version=item.version)
        db.session.commit()
    return cid
