"""The moment on air: each call's offset from the show going live, and links to
that moment in the show's stream or replay (before going live, during, after a
correction), and the stream link on the show page."""

from datetime import timedelta

from desk_support import HOUSING, calls_of, commit, editor_version, go_live, log, scheduled_show
from sqlalchemy import update

from hotline.changes import calls
from hotline.clock import format_offset, moment_url
from hotline.extensions import db
from hotline.models import Call, Show, utcnow

REPLAY = "https://replay.example.cn/live/173"


def _set_show(app, show_id, **values):
    with app.app_context():
        db.session.execute(update(Show).where(Show.id == show_id).values(**values))
        db.session.commit()


def test_offset_formats_and_links():
    assert format_offset(None) == ""
    assert format_offset(0) == "0:00"
    assert format_offset(245) == "4:05"
    assert format_offset(3723) == "1:02:03"
    assert moment_url("", 12) == ""
    assert moment_url(REPLAY, None) == ""
    assert moment_url(REPLAY, 12) == REPLAY + "#t=12"
    assert moment_url(REPLAY + "#t=99", 7) == REPLAY + "#t=7"  # its own fragment replaced


def test_a_call_logged_before_the_show_went_live_has_no_moment(app, client):
    show_id = scheduled_show(app)
    _set_show(app, show_id, stream_url=REPLAY)
    with app.app_context():
        call = calls.log_call(db.session.get(Show, show_id), topic="开播前登记的来电")
        db.session.commit()
        assert call.air_offset is None
    html = client.get(f"/shows/{show_id}").get_data(as_text=True)
    assert "开播前登记的来电" in html and "#t=" not in html


def test_calls_during_the_show_link_to_their_moment_and_keep_it_after_a_correction(
    app, client, moderator
):
    show_id = go_live(moderator, scheduled_show(app))
    # The show went live 125 seconds ago.
    _set_show(app, show_id, went_live_at=utcnow() - timedelta(seconds=125), stream_url=REPLAY)
    assert log(moderator, show_id, topic="排水沟堵塞", department=str(HOUSING)).status_code == 303
    call = calls_of(app, show_id)[0]
    assert 125 <= call.air_offset < 140
    offset = call.air_offset
    page = client.get(f"/shows/{show_id}").get_data(as_text=True)
    assert f'href="{REPLAY}#t={offset}"' in page
    assert "Watch the live stream" in client.get(f"/shows/{show_id}?lang=en").get_data(as_text=True)

    # The commitment made on the call links to the same moment.
    assert commit(moderator, call.id).status_code == 303
    with app.app_context():
        commitment_id = db.session.get(Call, call.id).commitments[0].id
    item = client.get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert f'href="{REPLAY}#t={offset}"' in item

    # Correcting what was typed keeps the moment.
    response = moderator.post_form(
        f"/desk/calls/{call.id}/correct",
        {
            "correct-topic": "菜市场排水沟堵塞",
            "correct-area": "",
            "correct-category": "",
            "correct-department": str(HOUSING),
            "correct-deputy": "",
            "correct-version": editor_version(app, call.id),
            "correct-idem": "fix-1",
        },
    )
    assert response.status_code == 303
    corrected = calls_of(app, show_id)[0]
    assert corrected.topic == "菜市场排水沟堵塞" and corrected.air_offset == offset
    page = client.get(f"/shows/{show_id}").get_data(as_text=True)
    assert f'href="{REPLAY}#t={offset}"' in page

    # After the show: the replay.
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    ended = client.get(f"/shows/{show_id}?lang=en").get_data(as_text=True)
    assert "Watch the replay" in ended and f'href="{REPLAY}#t={offset}"' in ended


def test_no_stream_link_before_the_show_or_without_a_url(app, client, moderator):
    show_id = scheduled_show(app)
    _set_show(app, show_id, stream_url=REPLAY)
    html = client.get(f"/shows/{show_id}?lang=en").get_data(as_text=True)
    assert "Watch the live stream" not in html and "Watch the replay" not in html
    _set_show(app, show_id, stream_url="")
    go_live(moderator, show_id)
    log(moderator, show_id)
    html = client.get(f"/shows/{show_id}?lang=en").get_data(as_text=True)
    assert "Watch the live stream" not in html and "#t=" not in html
