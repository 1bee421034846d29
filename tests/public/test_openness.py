"""The openness score beside the results (issue 29, point 5): on /departments,
in the open data and in the period report; read in a constant number of SQL
queries; and the report's checks of the year (point 3)."""

import csv
import io
from datetime import timedelta

from followup_support import HOUSING, make_commitment, submit
from sqlalchemy import select

from hotline.changes import commitments as domain
from hotline.changes import milestones
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Department, User, utcnow
from hotline.queries.scorecards import scorecards


def housing_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == HOUSING))


def busy_record(app, n: int) -> None:
    """n more housing items, each with a progress note, a press and a milestone."""
    for _ in range(n):
        cid = make_commitment(app, days=200)
        with app.app_context():
            item = db.session.get(Commitment, cid)
            housing = db.session.scalar(select(User).where(User.username == "housing"))
            office = db.session.scalar(select(User).where(User.username == "office"))
            domain.post_progress(item, actor=housing, note="进展", version=item.version)
            domain.press(item, actor=office, note="请加快", version=item.version)
            milestones.set_milestone(
                item, actor=housing, title="开工", shows="照片",
                due_on=today() + timedelta(days=10), today=today(), version=item.version,
            )  # fmt: skip
            db.session.commit()


def test_the_scorecards_read_openness_in_a_constant_number_of_queries(app, count_queries):
    with count_queries() as before, app.app_context():
        first = scorecards(today())
    busy_record(app, 6)
    with count_queries() as after, app.app_context():
        second = scorecards(today())
    assert after[0] == before[0]
    housing = housing_id(app)
    card = lambda cards: next(c for c in cards if c.department.id == housing)  # noqa: E731
    assert card(second).openness.parts["presses"][1] >= card(first).openness.parts["presses"][1]


def test_openness_is_shown_beside_the_results_in_both_languages(app, client):
    html = client.get("/departments").text
    assert "公开度" in html and 'data-col="openness"' in html
    assert "按时签收" in html  # the parts, in words
    english = client.get("/departments?lang=en").text
    assert "Openness" in english and "Acknowledged (签收) on time" in english


def test_a_small_sample_is_shown_but_not_ranked(app, client):
    app.config["HOTLINE_RANK_MIN_SAMPLE"] = 10_000
    data = client.get("/api/v1/departments").json["data"]
    assert all(d["openness_rank"] is None for d in data)
    assert any(d["openness"] is not None for d in data)
    assert "不排名（样本太少）" in client.get("/departments").text
    app.config["HOTLINE_RANK_MIN_SAMPLE"] = 1
    data = client.get("/api/v1/departments").json["data"]
    ranks = sorted(d["openness_rank"] for d in data if d["openness_rank"] is not None)
    assert ranks == list(range(1, len(ranks) + 1)) and ranks


def test_the_open_data_follows_the_record(app, client, liaison):
    housing = housing_id(app)

    def mine():
        data = client.get("/api/v1/departments").json["data"]
        return next(d for d in data if d["id"] == housing)

    before = mine()
    cid = make_commitment(app, days=30)
    submit(liaison, cid, "acknowledge")  # acknowledged at once: on time
    after = mine()
    assert after["openness_items"] == before["openness_items"] + 1
    assert 0 <= after["openness"] <= 1
    assert after["openness_acknowledged"] >= (before["openness_acknowledged"] or 0)


def test_the_period_report_has_openness_and_the_checks_of_the_year(app, client):
    cid = make_commitment(app, days=200)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        item.created_at = utcnow() - timedelta(days=40)
        housing = db.session.scalar(select(User).where(User.username == "housing"))
        due_on = today() - timedelta(days=5)
        milestones.set_milestone(
            item, actor=housing, title="开工", shows="开工照片", due_on=due_on,
            today=today() - timedelta(days=30), version=item.version,
        )  # fmt: skip
        db.session.commit()
        year = today().year
    check = {1: "start", 2: "start", 3: "start", 4: "start", 5: "progress", 6: "progress",
             7: "progress", 8: "progress"}.get(due_on.month, "results")  # fmt: skip
    html = client.get(f"/lists/report?period={due_on.year}").text
    assert "本期的年度检查" in html and "年初查开工" in html and "年底问绩效" in html
    listed = html.split(f'data-check-list="{check}"')[1].split("</ol>")[0]
    assert f'data-item="{cid}" data-standing="missed"' in listed and "节点：开工" in listed
    assert 'data-col="openness"' in html
    table = list(csv.reader(io.StringIO(
        client.get(f"/lists/report?period={year}&format=csv").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert table[0][-1] == "公开度"
    assert table[-1][-1].endswith("%")  # the total line's openness
    english = client.get(f"/lists/report?period={due_on.year}&lang=en").text
    assert "The checks of the year in this period" in english
