"""Referrals (转线下核实) are board items on the clock: a response deadline in
working days (a limit the office sets), the department as owner, the same
follow-up, and their own column in the scorecard and the period report."""

import csv
import io
from datetime import date

from desk_support import TRANSPORT, editor_version, today_in
from followup_support import submit
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, Commitment, Event, ItemKind
from hotline.rules.workdays import add_working_days


def refer(client, app, call_id, note="核实路口是否需要增设信号灯", idem="r1"):
    return client.post_form(
        f"/desk/calls/{call_id}/refer",
        {
            "refer-department": str(TRANSPORT),
            "refer-note": note,
            "refer-version": editor_version(app, call_id),
            "refer-idem": idem,
        },
    )


def referral_of(app, call_id) -> Commitment:
    with app.app_context():
        item = db.session.scalar(
            select(Commitment).where(
                Commitment.call_id == call_id, Commitment.kind == ItemKind.REFERRAL
            )
        )
        db.session.expunge(item)
        return item


def test_a_referred_call_becomes_a_referral_with_a_working_day_deadline(app, moderator, call_id):
    assert refer(moderator, app, call_id).status_code == 303
    item = referral_of(app, call_id)
    day = today_in(app)
    assert item.department_id == TRANSPORT and item.state == "open"
    assert item.deadline == item.original_deadline == add_working_days(day, 15).day
    assert item.pledge == "核实路口是否需要增设信号灯"
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.outcome == "referred"
        events = db.session.scalars(select(Event).where(Event.commitment_id == item.id)).all()
        assert [e.kind for e in events] == ["referred"]
        assert events[0].data["working_days"] == 15
    # Twice the same form: one referral.
    refer(moderator, app, call_id)
    with app.app_context():
        assert (
            len(db.session.scalars(select(Commitment).where(Commitment.call_id == call_id)).all())
            == 1
        )
    # On the board, marked as a referral, and on its public page.
    board = app.test_client().get("/").text
    assert f'id="commitment-{item.id}"' in board and 'data-kind="referral"' in board
    page = app.test_client().get(f"/commitments/{item.id}").text
    assert f"转办事项 #{item.id}" in page and "转线下核实" in page


def test_without_a_note_the_topic_says_what_is_verified(app, moderator, call_id):
    refer(moderator, app, call_id, note="")
    assert referral_of(app, call_id).pledge == "菜市场排水沟堵塞"


def test_the_office_sets_the_referral_limit(app, moderator, supervisor, call_id):
    admin = supervisor.get("/admin/").text
    assert 'name="referral_days"' in admin and 'value="15"' in admin
    bad = supervisor.post_form("/admin/limits", {"referral_days": "0"})
    assert bad.status_code == 422
    assert supervisor.post_form("/admin/limits", {"referral_days": "5"}).status_code == 302
    assert moderator.post_form("/admin/limits", {"referral_days": "9"}).status_code in (302, 403)
    refer(moderator, app, call_id)
    assert referral_of(app, call_id).deadline == add_working_days(today_in(app), 5).day


def test_an_unknown_year_warns(app, moderator, supervisor, call_id, monkeypatch):
    import hotline.admin.routes
    import hotline.desk.calls

    monkeypatch.setattr(hotline.desk.calls, "today", lambda: date(2099, 3, 2))
    response = refer(moderator, app, call_id)
    item = referral_of(app, call_id)
    assert item.deadline == date(2099, 3, 23)  # 15 days Monday to Friday
    page = moderator.get(response.headers["Location"]).text
    assert "法定节假日日历尚未收录2099年" in page
    monkeypatch.setattr(hotline.admin.routes, "today", lambda: date(2099, 3, 2))
    assert "法定节假日日历尚未收录2099年" in supervisor.get("/admin/").text


def test_api_kind_field_and_filter(app, moderator, call_id, client):
    before = client.get("/api/v1/commitments?kind=referral").json["total"]  # the demo's
    refer(moderator, app, call_id)
    item = referral_of(app, call_id)
    everything = client.get("/api/v1/commitments?per_page=100").json
    kinds = {row["id"]: row["kind"] for row in everything["data"]}
    assert kinds[item.id] == "referral" and set(kinds.values()) == {"commitment", "referral"}
    only = client.get("/api/v1/commitments?kind=referral").json
    assert item.id in [row["id"] for row in only["data"]] and only["total"] == before + 1
    assert {row["kind"] for row in only["data"]} == {"referral"}
    made = client.get("/api/v1/commitments?kind=commitment").json
    assert made["total"] == everything["total"] - before - 1
    bad = client.get("/api/v1/commitments?kind=promise")
    assert bad.status_code == 400 and "kind" in bad.json["error"]
    assert client.get("/api/v1/commitments.csv?kind=nope").status_code == 400
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/v1/commitments.csv").text.lstrip("\ufeff")))
    )
    assert {r["id"]: r["kind"] for r in rows}[str(item.id)] == "referral"
    assert 'data-kind="referral"' in client.get("/?kind=referral").text
    assert 'data-kind="commitment"' not in client.get("/?kind=referral").text


def test_follow_up_verification_and_the_scorecard_column(app, moderator, login, call_id):
    def transport_referrals() -> int:
        cards = app.test_client().get("/api/v1/departments").json["data"]
        return next(row["referrals"] for row in cards if row["id"] == TRANSPORT)

    before = transport_referrals()  # the demo's
    report_before = report_referrals(app, today_in(app).year)
    refer(moderator, app, call_id)
    item = referral_of(app, call_id)
    liaison, office = login("transport"), login("office")
    assert submit(liaison, item.id, "progress", note="已到现场查看").status_code == 302
    assert (
        submit(liaison, item.id, "completion", note="核实结果：需增设信号灯，已立项").status_code
        == 302
    )
    assert submit(office, item.id, "verify", note="核实无误").status_code == 302
    with app.app_context():
        assert db.session.get(Commitment, item.id).state == "met"
    # The housing liaison cannot touch another department's referral.
    assert login("housing").get(f"/followup/commitments/{item.id}").status_code == 404

    cards = {row["id"]: row for row in app.test_client().get("/api/v1/departments").json["data"]}
    assert cards[TRANSPORT]["referrals"] == before + 1
    for row in cards.values():
        parts = ("met_on_time", "met_after_extension", "met_late", "reported", "due",
                 "due_today", "overdue", "withdrawn")  # fmt: skip
        assert sum(row[p] for p in parts) == row["commitments"] >= row["referrals"]
    assert f'data-col="referrals">{before + 1}<' in app.test_client().get("/departments").text
    year = today_in(app).year
    assert report_referrals(app, year) == report_before + 1
    report = app.test_client().get(f"/lists/report?period={year}").text
    assert f'data-col="referrals">{report_before + 1}<' in report


def report_referrals(app, year: int) -> int:
    """The period report's total of referrals, from its CSV."""
    rows = list(csv.reader(io.StringIO(app.test_client().get(
        f"/lists/report?period={year}&format=csv").text.lstrip("\ufeff"))))  # fmt: skip
    header, total = rows[0], rows[-1]
    return int(total[header.index("其中转办事项")])
