"""The second placard vote (举牌评效果): taken on a commitment's result in a later
show's 回音壁 segment, a new event on its timeline, counted apart from the vote
on the call, on the commitment page and in the period report."""

import re

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Commitment, Event, EventKind, Show, ShowStatus
from hotline.queries.lists import report_rows, result_votes
from hotline.rules import reports
from hotline.rules.status import local_date


def _next_show_and_item(app, moderator):
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    page = moderator.get(f"/shows/{show_id}/rundown?lang=en").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'id="rundown-(\d+)"', page)]
    with app.app_context():
        item = next(
            db.session.get(Commitment, i)
            for i in ids
            if db.session.get(Commitment, i).state != "withdrawn"
        )
        return show_id, item.id


def _vote(client, show_id, commitment_id, s, b, d, idem):
    return client.post_form(
        f"/desk/shows/{show_id}/rundown/{commitment_id}/vote",
        {"satisfied": s, "basic": b, "dissatisfied": d, "idem": idem},
    )


def test_the_result_vote_is_an_event_counted_apart(app, client, moderator):
    show_id, cid = _next_show_and_item(app, moderator)
    with app.app_context():
        call = db.session.get(Commitment, cid).call
        before = (call.placard_satisfied, call.placard_basic, call.placard_dissatisfied)
    assert _vote(moderator, show_id, cid, 6, 2, 2, "v1").status_code == 303
    assert _vote(moderator, show_id, cid, 6, 2, 2, "v1").status_code == 303  # a double submit
    with app.app_context():
        events = db.session.scalars(
            select(Event).where(Event.commitment_id == cid, Event.kind == EventKind.RESULT_VOTE)
        ).all()
        assert len(events) == 1 and events[0].data == {"show_id": show_id, "votes": [6, 2, 2]}
        call = db.session.get(Commitment, cid).call
        assert (call.placard_satisfied, call.placard_basic, call.placard_dissatisfied) == before
        assert result_votes([cid]) == {cid: [6, 2, 2]}
    page = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert (
        'data-result-vote="satisfied">6<' in page and 'data-result-vote="dissatisfied">2<' in page
    )
    assert 'data-kind="result_vote"' in page and "Placard vote on the result" in page
    # A recount in the same show supersedes the first in the totals; both stay on the record.
    assert _vote(moderator, show_id, cid, 7, 2, 1, "v2").status_code == 303
    with app.app_context():
        assert result_votes([cid]) == {cid: [7, 2, 1]}
        n = db.session.scalar(
            select(func.count()).where(Event.commitment_id == cid, Event.kind == "result_vote")
        )
        assert n == 2


def test_the_period_report_counts_the_result_vote_apart(app, client, moderator):
    show_id, cid = _next_show_and_item(app, moderator)
    _vote(moderator, show_id, cid, 8, 0, 2, "v1")
    with app.app_context():
        item = db.session.get(Commitment, cid)
        day = local_date(item.created_at, app.config["HOTLINE_TIMEZONE"])
        department = item.department.name
        period = reports.period_of(day)
        rows = report_rows(period)
        assert sum(r.result_votes[0] for r in rows) == 8
        lines, total = reports.build(rows, period, day)
        line = next(x for x in lines if x.department == department)
        assert line.result_satisfaction == 0.8
        assert line.satisfaction != line.result_satisfaction or line.votes != line.result_votes
    html = client.get(f"/lists/report?period={period.key}&lang=en").get_data(as_text=True)
    assert 'data-col="result_satisfaction">80.0%<' in html
    csv = client.get(f"/lists/report?period={period.key}&format=csv&lang=en").get_data(as_text=True)
    assert "Satisfaction with the result" in csv


def test_only_the_desk_records_it_and_only_for_the_rundown(app, client, moderator, liaison):
    show_id, cid = _next_show_and_item(app, moderator)
    assert _vote(liaison, show_id, cid, 1, 1, 1, "x").status_code == 403
    assert _vote(client, show_id, cid, 1, 1, 1, "y").status_code == 302  # to the sign-in page
    response = moderator.post(
        f"/desk/shows/{show_id}/rundown/{cid}/vote",
        data={"satisfied": 1, "basic": 1, "dissatisfied": 1, "idem": "z"},
    )
    assert response.status_code == 400  # no CSRF token
    with app.app_context():
        mine = db.session.scalar(
            select(Commitment.id).join(Commitment.call).where(Commitment.call.has(show_id=show_id))
        )
        other = db.session.scalar(select(Commitment.id).order_by(Commitment.id.desc()))
    if mine:
        assert _vote(moderator, show_id, mine, 1, 1, 1, "m").status_code == 404
    page = moderator.get(f"/shows/{show_id}/rundown").get_data(as_text=True)
    if f'id="rundown-{other}"' not in page:
        assert _vote(moderator, show_id, other, 1, 1, 1, "o").status_code == 404
    assert _vote(moderator, show_id, cid, -1, 1, 1, "neg").status_code == 303  # refused, flashed
    with app.app_context():
        assert result_votes([cid]) == {}
