"""The office can take a note or a file that exposes a citizen off public view:
nothing is rewritten or deleted, and the public timeline says it happened."""

from followup.test_uploads import PNG, attachments, upload
from followup_support import make_commitment
from sqlalchemy import select, text

from hotline.extensions import db
from hotline.models import Event, Redaction


def progress_with_a_phone(app, liaison):
    cid = make_commitment(app)
    assert (
        upload(
            liaison, cid, "progress", PNG, "回访单.png", note="已回访张女士，电话13955551234"
        ).status_code
        == 302
    )
    with app.app_context():
        event_id = db.session.scalar(
            select(Event.id).where(Event.commitment_id == cid, Event.kind == "progress")
        )
    return cid, event_id


def test_withholding_hides_the_note_and_files_but_keeps_the_record(
    app, client, liaison, supervisor
):
    cid, event_id = progress_with_a_phone(app, liaison)
    (photo,) = attachments(app)
    assert "13955551234" in client.get(f"/commitments/{cid}").text  # the slip

    response = supervisor.post_form(
        f"/followup/events/{event_id}/withhold", {"reason": "含群众个人信息"}
    )
    assert response.status_code == 303

    page = client.get(f"/commitments/{cid}").text
    assert "13955551234" not in page and "回访单.png" not in page
    assert "隐去此条记录的文字和附件" in page and "含群众个人信息" in page
    feed = client.get(f"/commitments/{cid}/feed.atom").text
    assert "13955551234" not in feed
    assert client.get(f"/followup/evidence/{photo.id}").status_code == 404
    assert supervisor.get(f"/followup/evidence/{photo.id}").status_code == 200
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert "13955551234" in event.note  # the record itself is untouched
        kinds = db.session.scalars(
            select(Event.kind).where(Event.commitment_id == cid).order_by(Event.id)
        ).all()
        assert kinds[-1] == "withheld"


def test_only_the_office_withholds_and_only_with_a_reason(app, liaison, moderator, supervisor):
    cid, event_id = progress_with_a_phone(app, liaison)
    assert (
        liaison.post_form(f"/followup/events/{event_id}/withhold", {"reason": "x"}).status_code
        == 403
    )
    assert (
        moderator.post_form(f"/followup/events/{event_id}/withhold", {"reason": "x"}).status_code
        == 403
    )
    no_reason = supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": " "})
    assert no_reason.status_code == 303
    assert "请说明不予公开的理由" in supervisor.get(no_reason.headers["Location"]).text
    supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "个人信息"})
    twice = supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "再来"})
    assert "已隐去" in supervisor.get(twice.headers["Location"]).text
    with app.app_context():
        assert len(db.session.scalars(select(Redaction)).all()) == 1


def test_a_redaction_cannot_be_quietly_undone(app, liaison, supervisor):
    import pytest
    from sqlalchemy.exc import DatabaseError

    _cid, event_id = progress_with_a_phone(app, liaison)
    supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "个人信息"})
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM redactions"))


def test_a_cache_stops_serving_a_file_once_it_is_withheld(app, client, liaison, supervisor):
    """Evidence is never cached for an hour: a cache must ask again each time
    (no-cache, with an ETag), and once withheld the answer is 404, not 304."""
    _cid, event_id = progress_with_a_phone(app, liaison)
    (photo,) = attachments(app)
    url = f"/followup/evidence/{photo.id}"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache"
    assert "max-age" not in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "含群众个人信息"})
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
    office_copy = supervisor.get(url)
    assert office_copy.status_code == 200 and "no-store" in office_copy.headers["Cache-Control"]
