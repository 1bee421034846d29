"""Follow-up edges found in review: a late completion never becomes "after
extension", races are not 500s, placards count once, names and numbers that
would break a header or a query are refused."""

from datetime import timedelta

from followup.test_uploads import PDF, PNG, attachments, upload
from followup_support import load, local_today, make_commitment, public_status, submit
from sqlalchemy import select, text

from hotline.extensions import db
from hotline.models import Commitment, Department


def test_extension_cannot_be_granted_once_completion_is_reported(app, client, liaison, supervisor):
    cid = make_commitment(app, days=-10)
    new = local_today(app) + timedelta(days=20)
    assert (
        submit(
            liaison, cid, "extension", new_deadline=new.isoformat(), reason="需要更多时间"
        ).status_code
        == 302
    )
    assert submit(liaison, cid, "completion", note="其实已经办完了").status_code == 302
    refused = submit(supervisor, cid, "decision", decision="grant", reason="同意")
    assert refused.status_code == 422 and "只能不予同意" in refused.text
    assert load(app, cid).deadline == load(app, cid).original_deadline
    assert submit(supervisor, cid, "verify").status_code == 302
    assert public_status(client, cid) == "met_late"


def test_extension_to_a_past_date_is_refused(app, liaison):
    cid = make_commitment(app, days=-10)
    yesterday = local_today(app) - timedelta(days=1)
    response = submit(
        liaison, cid, "extension", new_deadline=yesterday.isoformat(), reason="补个手续"
    )
    assert response.status_code == 422 and "不能早于今天" in response.text


def test_a_twin_request_that_loses_the_race_is_not_a_500(app, liaison, monkeypatch):
    from hotline.changes import commitments

    cid = make_commitment(app)
    real = commitments.post_progress

    def twin_saved_first(commitment, **kwargs):
        event = real(commitment, **kwargs)
        with db.engine.begin() as conn:  # the same form, a moment earlier
            conn.execute(
                text("UPDATE commitments SET version = version + 1 WHERE id = :id"),
                {"id": commitment.id},
            )
        return event

    monkeypatch.setattr(commitments, "post_progress", twin_saved_first)
    response = submit(liaison, cid, "progress", note="同时提交的进展")
    assert response.status_code == 409
    assert "同时提交的进展" in response.text  # the text is kept to send again


def test_a_calls_placard_vote_counts_once_in_the_report(app, moderator):
    from hotline.queries.lists import report_rows
    from hotline.rules import reports

    def votes():
        with app.test_request_context():
            period = reports.parse_period(str(local_today(app).year))
            rows = report_rows(period)
            return len(rows), [sum(r.votes[i] for r in rows) for i in range(3)]

    made, before = votes()
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == "met"))
        call_id, department_id = item.call_id, item.department_id
    moderator.post_form(
        f"/desk/calls/{call_id}/commit",
        {
            "commit-pledge": "第二项承诺",
            "commit-official_name": "周建华",
            "commit-department": str(department_id),
            "commit-deadline_preset": "30",
            "commit-idem": "second",
        },
    )
    made_after, after = votes()
    assert made_after == made + 1  # one more commitment from the same call
    assert after == before  # but the placards raised for that call count once


def test_full_width_digits_are_not_a_period(client):
    assert client.get("/lists/report?period=２０２６&format=csv").status_code == 404


def test_uploaded_names_lose_control_characters_and_take_the_real_extension(app, client, liaison):
    import io

    from werkzeug.datastructures import FileStorage

    from hotline.followup.evidence import read_upload

    with app.test_request_context():
        crafted = FileStorage(io.BytesIO(PDF), filename="回访单\r\nX-Evil: 1.html")
        attachment, _content = read_upload(crafted)
    assert attachment.filename == "回访单X-Evil: 1.pdf"

    cid = make_commitment(app)
    assert upload(liaison, cid, "progress", PNG, "photo.exe").status_code == 302
    (png,) = attachments(app)
    assert png.filename == "photo.png"
    assert client.get(f"/followup/evidence/{png.id}").status_code == 200


def test_admin_refuses_an_impossible_department_id(app, supervisor):
    response = supervisor.post_form(
        "/admin/users",
        {
            "username": "x1",
            "role": "liaison",
            "password": "long-password",
            "department_id": "99999999999999999999",
        },
    )
    assert response.status_code == 422


def test_remind_says_the_window_it_was_asked_for(app, runner):
    with app.app_context():
        dept = db.session.scalar(select(Department).where(Department.name == "市交通运输局"))
        assert dept is not None
    make_commitment(app, days=2, department="市交通运输局")
    result = runner.invoke(args=["remind", "--days", "3"])
    assert result.exit_code == 0 and "3天内到期" in result.output
    assert runner.invoke(args=["remind", "--days", "99999999999"]).exit_code == 2
