"""Citizens' "not fixed" reports (群众反映未解决): sent from the public page of
an item reported done or verified, with a photo stripped of its metadata;
private until the office accepts one (then counted and on the timeline),
hidden for good when rejected; the office reopens (重办) from one, and the next
show's 回音壁 lists the reopened item."""

import io
import re
from datetime import timedelta
from pathlib import Path

from followup_support import (
    event_kinds,
    gps_jpeg,
    load,
    local_today,
    make_commitment,
    public_page,
    public_status,
    reported_item,
)
from PIL import Image
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import AuditLog, Commitment, NotFixedReport, Show, ShowStatus, utcnow

PLACE = "凤凰街道幸福小区3号楼北侧"
NOTE = "路面仍有大坑，雨天积水"


def send(client, cid, *, photo=None, filename="IMG_0001_张三.jpg", place=PLACE, seen_on=None):
    seen_on = seen_on or local_today(client.application).isoformat()
    data = {"notfixed-place": place, "notfixed-seen_on": seen_on, "notfixed-note": NOTE}
    if photo is not False:
        data["notfixed-photo"] = (io.BytesIO(gps_jpeg() if photo is None else photo), filename)
    return client.post_form(
        f"/commitments/{cid}/notfixed", data, content_type="multipart/form-data"
    )


def reports(app):
    with app.app_context():
        rows = db.session.scalars(select(NotFixedReport).order_by(NotFixedReport.id)).all()
        return [(r.id, r.status, r.attachment_id, r.attachment.stored_name) for r in rows]


def audit_actions(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_only_an_item_reported_done_or_met_takes_reports(app, client):
    open_item = make_commitment(app)
    assert 'id="notfixed"' not in public_page(client, open_item)
    refused = send(client, open_item)
    assert refused.status_code == 409
    assert "只有已报告办结或已核实办结的事项才能反映未解决" in refused.get_data(as_text=True)
    english = client.post_form(
        f"/commitments/{open_item}/notfixed?lang=en",
        {"notfixed-place": PLACE, "notfixed-seen_on": "2026-01-01"},
    )
    assert "Only an item reported done or verified as met" in english.get_data(as_text=True)
    assert reports(app) == []

    for verified in (False, True):
        cid = reported_item(app, verified=verified)
        page = public_page(client, cid)
        assert 'id="notfixed"' in page and 'enctype="multipart/form-data"' in page
        assert "姓名" not in page.split('id="notfixed"')[1].split("</section>")[0]
        assert send(client, cid).status_code == 303
    assert len(reports(app)) == 2


def test_the_stored_photo_has_no_location_nor_any_metadata(app, client):
    cid = reported_item(app, verified=True)
    sent = gps_jpeg()
    assert b"SecretCam" in sent and Image.open(io.BytesIO(sent)).getexif().get_ifd(0x8825)
    assert send(client, cid, photo=sent).status_code == 303
    [(_id, _status, _attachment, stored_name)] = reports(app)
    stored = (Path(app.config["HOTLINE_UPLOAD_DIR"]) / stored_name).read_bytes()
    photo = Image.open(io.BytesIO(stored))
    assert photo.format == "JPEG"
    assert dict(photo.getexif()) == {} and photo.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(photo.info)
    for secret in (b"Exif", b"SecretCam", b"SecretComment"):
        assert secret not in stored
    # The orientation was applied to the pixels: 40×30 turned upright is 30×40.
    assert photo.size == (30, 40)
    # Nor the name it was sent with (it may say who took it).
    with app.app_context():
        attachment = db.session.get(NotFixedReport, _id).attachment
        assert attachment.filename == "photo.jpg" and "张三" not in attachment.stored_name


def test_a_png_is_kept_a_png_without_its_text_chunks(app, client):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SecretAuthor")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), "blue").save(out, "PNG", pnginfo=info)
    cid = reported_item(app, verified=True)
    assert send(client, cid, photo=out.getvalue(), filename="a.png").status_code == 303
    [(_id, _s, _a, stored_name)] = reports(app)
    stored = (Path(app.config["HOTLINE_UPLOAD_DIR"]) / stored_name).read_bytes()
    assert stored_name.endswith(".png") and b"SecretAuthor" not in stored
    assert Image.open(io.BytesIO(stored)).size == (20, 20)


def test_photo_types_and_sizes_are_checked_as_evidence_files_are(app, client):
    cid = reported_item(app, verified=True)
    cases = [
        (b"%PDF-1.7\n" + b"0" * 64, "报告.pdf", "照片须为 JPEG 或 PNG 图片"),
        (b"GIF89a" + b"0" * 64, "a.gif", "只能上传JPEG、PNG或PDF文件"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "broken.jpg", "照片无法读取"),
        (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "big.jpg", "文件超过5 MB"),
        (False, "", "请附上一张您看到的情况的照片"),
    ]
    for content, name, message in cases:
        response = send(client, cid, photo=content, filename=name)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    # The form keeps what was typed.
    assert PLACE in response.get_data(as_text=True)
    future = (local_today(app) + timedelta(days=1)).isoformat()
    response = send(client, cid, seen_on=future)
    assert response.status_code == 422 and "日期不能晚于今天" in response.get_data(as_text=True)
    assert reports(app) == []
    assert not any(Path(app.config["HOTLINE_UPLOAD_DIR"]).glob("*"))


def test_reports_are_rate_limited(app, client):
    app.config["HOTLINE_NOTFIXED_ITEM_LIMIT"] = "2 per hour"
    cid = reported_item(app, verified=True)
    assert send(client, cid).status_code == 303
    assert send(client, cid).status_code == 303
    refused = send(client, cid)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "请在" in refused.get_data(as_text=True) and PLACE in refused.get_data(as_text=True)
    assert len(reports(app)) == 2
    # Another item is not held back by this one's cap.
    other = reported_item(app, verified=False)
    assert send(client, other).status_code == 303


def test_a_report_reaches_the_office_and_is_not_public_before_moderation(
    app, client, supervisor, liaison
):
    cid = reported_item(app, verified=True)
    kinds_before = event_kinds(app, cid)
    assert send(client, cid).status_code == 303
    [(rid, status, attachment_id, _name)] = reports(app)
    assert status == "pending"
    # Not public: no count, no place, no photo; the timeline is unchanged.
    page = public_page(client, cid)
    assert PLACE not in page and "notfixed-summary" not in page
    assert event_kinds(app, cid) == kinds_before
    assert client.get(f"/followup/evidence/{attachment_id}").status_code == 404
    assert client.get(f"/followup/notfixed/{rid}/photo").status_code == 302  # sign in first
    # The office's queue on the dashboard, with the photo; not a liaison's.
    dashboard = supervisor.get("/followup/").get_data(as_text=True)
    assert "群众反映未解决" in dashboard and PLACE in dashboard and NOTE in dashboard
    assert f"/followup/notfixed/{rid}/photo" in dashboard
    photo = supervisor.get(f"/followup/notfixed/{rid}/photo")
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert "no-store" in photo.headers["Cache-Control"]
    assert PLACE not in liaison.get("/followup/").get_data(as_text=True)
    assert liaison.get(f"/followup/notfixed/{rid}/photo").status_code == 403
    assert liaison.post_form(f"/followup/notfixed/{rid}/accept").status_code == 403
    english = supervisor.get("/followup/?lang=en").get_data(as_text=True)
    assert "Citizens report not fixed" in english


def test_accepted_reports_are_counted_on_the_public_page_with_a_timeline_event(
    app, client, supervisor
):
    cid = reported_item(app, verified=True)
    assert send(client, cid).status_code == 303
    [(rid, _s, attachment_id, _n)] = reports(app)
    accepted = supervisor.post_form(f"/followup/notfixed/{rid}/accept")
    assert accepted.status_code == 303
    assert event_kinds(app, cid)[-1] == "not_fixed"
    page = public_page(client, cid)
    assert 'data-notfixed="1"' in page and "1 位群众反映问题未解决" in page
    assert PLACE in page and NOTE in page
    assert re.search(r'<li id="event-\d+" data-kind="not_fixed">', page)
    assert f"/followup/evidence/{attachment_id}" in page
    served = client.get(f"/followup/evidence/{attachment_id}")
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert b"SecretCam" not in served.data
    # The live timeline (a fragment, and what is pushed) carries the count too.
    fragment = client.get(f"/commitments/{cid}", headers={"HX-Request": "true"})
    assert 'data-notfixed="1"' in fragment.get_data(as_text=True)
    english = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert "1 citizen reported it is not fixed" in english
    assert "A citizen reported it is not fixed" in english  # the timeline entry
    # A second report, accepted: counted twice. Accepting again changes nothing.
    assert send(client, cid).status_code == 303
    second = reports(app)[-1][0]
    supervisor.post_form(f"/followup/notfixed/{second}/accept")
    assert supervisor.post_form(f"/followup/notfixed/{second}/accept").status_code == 303
    page = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert "2 citizens reported it is not fixed" in page
    assert event_kinds(app, cid).count("not_fixed") == 2
    assert audit_actions(app).count("notfixed_accepted") == 2
    # Still verified: accepting a report does not change the status by itself.
    assert public_status(client, cid).startswith("met_")


def test_a_rejected_report_is_never_shown(app, client, supervisor):
    cid = reported_item(app, verified=False)
    assert send(client, cid).status_code == 303
    [(rid, _s, attachment_id, _n)] = reports(app)
    kinds = event_kinds(app, cid)
    rejected = supervisor.post_form(
        f"/followup/notfixed/{rid}/reject", {f"reject-{rid}-note": "广告"}
    )
    assert rejected.status_code == 303
    assert reports(app)[0][1] == "rejected"
    assert event_kinds(app, cid) == kinds
    page = public_page(client, cid)
    assert PLACE not in page and "notfixed-summary" not in page
    assert client.get(f"/followup/evidence/{attachment_id}").status_code == 404
    assert PLACE not in supervisor.get("/followup/").get_data(as_text=True)
    # Decided once: accepting it afterwards is refused.
    supervisor.post_form(f"/followup/notfixed/{rid}/accept")
    assert reports(app)[0][1] == "rejected" and event_kinds(app, cid) == kinds
    assert "notfixed_rejected" in audit_actions(app)


def test_the_office_reopens_from_a_report_and_the_next_show_reads_it_out(app, client, supervisor):
    cid = reported_item(app, verified=True)
    assert send(client, cid).status_code == 303
    [(rid, *_rest)] = reports(app)
    item = load(app, cid)
    new_deadline = local_today(app) + timedelta(days=20)
    too_early = supervisor.post_form(
        f"/followup/notfixed/{rid}/reopen",
        {f"reopen-{rid}-deadline": local_today(app).isoformat(), f"reopen-{rid}-reason": "重办"},
    )
    assert too_early.status_code == 303 and load(app, cid).state == "met"
    reopened = supervisor.post_form(
        f"/followup/notfixed/{rid}/reopen",
        {
            f"reopen-{rid}-deadline": new_deadline.isoformat(),
            f"reopen-{rid}-reason": "群众反映路面仍未修好，重办",
        },
    )
    assert reopened.status_code == 303
    after = load(app, cid)
    assert after.state == "open" and after.completed_on is None
    assert after.deadline == new_deadline and after.original_deadline == item.original_deadline
    # Accepted and reopened in one step: both on the public timeline.
    assert event_kinds(app, cid)[-2:] == ["not_fixed", "reopened"]
    assert public_status(client, cid) == "due"
    page = public_page(client, cid)
    assert "群众反映路面仍未修好，重办" in page and new_deadline.isoformat() in page
    assert 'id="notfixed"' not in page  # open again: no report form
    assert "notfixed_reopened" in audit_actions(app)
    # Reopening twice is refused: the item is open already.
    supervisor.post_form(
        f"/followup/notfixed/{rid}/reopen",
        {f"reopen-{rid}-deadline": new_deadline.isoformat(), f"reopen-{rid}-reason": "再次"},
    )
    assert event_kinds(app, cid).count("reopened") == 1

    # The next show, with the department on its panel: its 回音壁 lists the item.
    with app.app_context():
        department = db.session.get(Commitment, cid).department
        show = Show(
            title="下一期民生热线",
            starts_at=utcnow() + timedelta(minutes=1),
            status=ShowStatus.SCHEDULED,
        )
        show.departments = [department]
        db.session.add(show)
        db.session.commit()
        show_id = show.id
        assert db.session.scalar(select(func.count(NotFixedReport.id))) == 1
    rundown = client.get(f"/shows/{show_id}/rundown?lang=en").get_data(as_text=True)
    entry = rundown.split(f'id="rundown-{cid}"')[1].split("</li>")[0]
    assert "Reopened since the previous show" in entry
    assert "1 citizen reported it is not fixed" in entry
    zh = client.get(f"/shows/{show_id}/rundown?lang=zh_CN").get_data(as_text=True)
    assert "重办" in zh.split(f'id="rundown-{cid}"')[1].split("</li>")[0]


def test_a_decision_on_an_item_changed_meanwhile_says_so_and_saves_nothing(
    app, client, supervisor, monkeypatch
):
    """Another hand (a verification, a note) changes the item between the office
    loading it and accepting the report: a clear message, never a 500."""
    from sqlalchemy import update

    import hotline.followup.notfixed as page

    cid = reported_item(app, verified=True)
    assert send(client, cid).status_code == 303
    [(rid, _s, _a, _n)] = reports(app)
    accept = page.notfixed.accept

    def raced(report, **kwargs):
        assert report.commitment.version  # loaded here, at the version the office saw
        with db.engine.begin() as other:  # someone else saves first
            other.execute(
                update(Commitment)
                .where(Commitment.id == cid)
                .values(version=Commitment.version + 1)
            )
        return accept(report, **kwargs)

    monkeypatch.setattr(page.notfixed, "accept", raced)
    answer = supervisor.post_form(f"/followup/notfixed/{rid}/accept")
    assert answer.status_code == 303
    shown = supervisor.get(answer.headers["Location"]).get_data(as_text=True)
    assert "changed meanwhile" in shown or "刚被他人修改" in shown
    assert "not_fixed" not in event_kinds(app, cid)
