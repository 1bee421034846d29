"""Milestones of a long commitment (issue 29, point 3): set, met and moved on
the follow-up page, each an event on the public timeline; the public progress
line; a missed milestone written and pressed by `flask remind`, on the
scorecard and never hidden by a new date."""

import re
from datetime import timedelta

from followup_support import (
    HOUSING,
    event_kinds,
    form_state,
    make_commitment,
    public_page,
    public_status,
    submit,
)
from sqlalchemy import select

from hotline.changes import escalation, milestones
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Department, Milestone, User, utcnow


def _housing(app) -> User:
    return db.session.scalar(select(User).where(User.username == "housing"))


def with_milestone(app, *, days=200, due_in=20, set_days_ago=0, title="开工"):
    """A housing item due in `days`, with one milestone due `due_in` days from
    today, set `set_days_ago` days ago (so its date may have passed)."""
    cid = make_commitment(app, days=days)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        if set_days_ago:
            item.created_at = utcnow() - timedelta(days=set_days_ago + 1)
        m = milestones.set_milestone(
            item,
            actor=_housing(app),
            title=title,
            shows="施工围挡和开工照片",
            due_on=today() + timedelta(days=due_in),
            today=today() - timedelta(days=set_days_ago),
            version=item.version,
        )
        db.session.commit()
        return cid, m.id


def progress_line(html: str) -> list[tuple[str, str]]:
    section = html.split('<ol class="progress-line">')[1].split("</ol>")[0]
    return re.findall(
        r'<li class="step step-[a-z_]+" data-milestone="([^"]+)"(?: data-standing="([a-z_]+)")?',
        section,
    )


def test_a_department_sets_and_meets_a_milestone_on_the_public_timeline(app, client, liaison):
    cid = make_commitment(app, days=200)
    day = today_of(app)
    page = liaison.get(f"/followup/commitments/{cid}").text
    assert 'id="form-milestone"' in page and 'id="form-milestone_met"' not in page
    saved = submit(
        liaison, cid, "milestone", title="开工", shows="施工围挡和开工照片",
        due_on=(day + timedelta(days=30)).isoformat(),
    )  # fmt: skip
    assert saved.status_code == 302
    submit(
        liaison, cid, "milestone", title="过半", shows="主体管网铺设完成一半",
        due_on=(day + timedelta(days=100)).isoformat(),
    )  # fmt: skip
    assert event_kinds(app, cid)[-2:] == ["milestone_set", "milestone_set"]
    with app.app_context():
        first = db.session.scalar(select(Milestone).where(Milestone.title == "开工"))
        first_id = first.id
    html = public_page(client, cid)
    # An ordered list, in date order, ending with the item's own deadline.
    assert progress_line(html) == [(str(first_id), "upcoming"), (str(first_id + 1), "upcoming"),
                                   ("deadline", "")]  # fmt: skip
    assert "办理节点" in html and "届时展示：" in html and "施工围挡和开工照片" in html
    assert "未到期" in html

    met = submit(liaison, cid, "milestone_met", path="milestone-met", milestone=first_id,
                 note="已开工，围挡已设")  # fmt: skip
    assert met.status_code == 302
    assert event_kinds(app, cid)[-1] == "milestone_met"
    html = public_page(client, cid)
    assert progress_line(html)[0] == (str(first_id), "met")
    assert "已开工，围挡已设" in html and "节点已完成" in html
    english = client.get(f"/commitments/{cid}?lang=en").text
    assert "Milestones" in english and "Met on time" in english and "To be shown:" in english


def today_of(app):
    with app.app_context():
        return today()


def test_a_short_item_carries_no_milestone(app, liaison):
    cid = make_commitment(app, days=30)
    assert 'id="form-milestone"' not in liaison.get(f"/followup/commitments/{cid}").text
    state = form_state(liaison, cid, "progress")  # the item's version, a fresh key
    refused = liaison.post_form(
        f"/followup/commitments/{cid}/milestone",
        {
            "milestone-version": state["progress-version"],
            "milestone-idem": state["progress-idem"],
            "milestone-title": "开工",
            "milestone-shows": "照片",
            "milestone-due_on": (today_of(app) + timedelta(days=10)).isoformat(),
        },
    )
    assert refused.status_code == 422
    assert "milestone_set" not in event_kinds(app, cid)


def test_a_milestone_falls_within_the_deadline_and_not_in_the_past(app, liaison):
    cid = make_commitment(app, days=200)
    day = today_of(app)
    for due_on in (day - timedelta(days=1), day + timedelta(days=201)):
        refused = submit(liaison, cid, "milestone", title="开工", shows="照片",
                         due_on=due_on.isoformat())  # fmt: skip
        assert refused.status_code == 422
    assert "milestone_set" not in event_kinds(app, cid)


def test_a_missed_milestone_is_written_pressed_and_counted(app, runner, client, supervisor):
    cid, mid = with_milestone(app, due_in=-15, set_days_ago=40)
    html = public_page(client, cid)
    assert progress_line(html)[0] == (str(mid), "missed")
    assert public_status(client, cid) == "due"  # the item itself is not overdue

    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert "1 milestones newly missed" in result.output
    # The miss is said on the public timeline, then the 催办 for it.
    assert event_kinds(app, cid)[-2:] == ["milestone_missed", "reminded"]
    block = result.output.split("市住房和城乡建设局：")[1].split("\n\n")[0]
    assert f"#{cid} " in block and "节点未按期完成：开工" in block
    again = runner.invoke(args=["remind"])
    assert event_kinds(app, cid).count("milestone_missed") == 1  # once
    assert "0 milestones newly missed" in again.output

    with app.app_context():  # after the 催办, it is listed for 督办 like an overdue item
        item = db.session.get(Commitment, cid)
        assert escalation.due_for_press(item, today() + timedelta(days=10))
    html = public_page(client, cid)
    assert 'data-kind="milestone_missed"' in html and "节点未按期完成" in html

    # The scorecard and its open data count it.
    row = client.get("/departments").text.split(f'id="department-{HOUSING_ID(app)}"')[1]
    row = row.split("</tr>")[0]
    assert re.search(r'data-col="milestones_missed">1 ', row)
    data = client.get("/api/v1/departments").json["data"]
    housing = next(d for d in data if d["id"] == HOUSING_ID(app))
    assert housing["milestones_missed"] == 1 and housing["milestones_due"] == 1


def HOUSING_ID(app) -> int:  # noqa: N802
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == HOUSING))


def test_a_passed_date_cannot_be_moved_and_a_move_before_it_stays_visible(app, client, liaison):
    cid, passed = with_milestone(app, due_in=-3, set_days_ago=20, title="开工")
    with app.app_context():
        item = db.session.get(Commitment, cid)
        ahead = milestones.set_milestone(
            item, actor=_housing(app), title="过半", shows="管网铺设一半",
            due_on=today() + timedelta(days=50), today=today(), version=item.version,
        ).id  # fmt: skip
        db.session.commit()
    day = today_of(app)
    refused = submit(liaison, cid, "milestone_move", path="milestone-move", milestone=passed,
                     due_on=(day + timedelta(days=30)).isoformat(), reason="推迟")  # fmt: skip
    assert refused.status_code == 422
    assert "不能改期" in refused.text
    with app.app_context():
        assert db.session.get(Milestone, passed).due_on == day - timedelta(days=3)
    assert "milestone_moved" not in event_kinds(app, cid)
    # The move form offers only the milestone whose date is still ahead.
    form = liaison.get(f"/followup/commitments/{cid}").text.split('id="form-milestone_move"')[1]
    assert f'value="{ahead}"' in form and f'value="{passed}"' not in form

    new_date = (day + timedelta(days=80)).isoformat()
    moved = submit(liaison, cid, "milestone_move", path="milestone-move", milestone=ahead,
                   due_on=new_date, reason="雨季施工受限")  # fmt: skip
    assert moved.status_code == 302
    assert event_kinds(app, cid)[-1] == "milestone_moved"
    html = public_page(client, cid)
    assert "原定" in html and "雨季施工受限" in html
    assert progress_line(html)[0] == (str(passed), "missed")


def test_met_milestones_never_make_an_overdue_item_look_better(app, client):
    cid = make_commitment(app, days=-3)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        item.created_at = utcnow() - timedelta(days=120)
        item.deadline = item.original_deadline = today() - timedelta(days=3)
        m = milestones.set_milestone(
            item, actor=_housing(app), title="开工", shows="开工照片",
            due_on=today() - timedelta(days=90), today=today() - timedelta(days=100),
            version=item.version,
        )  # fmt: skip
        milestones.meet_milestone(
            item, actor=_housing(app), milestone_id=m.id, note="已开工",
            day=today() - timedelta(days=91), version=item.version,
        )  # fmt: skip
        db.session.commit()
    html = public_page(client, cid)
    assert progress_line(html)[0][1] == "met"
    assert public_status(client, cid) == "overdue"
    deadline_step = html.split('data-milestone="deadline"')[1].split("</li>")[0]
    assert 'data-status="overdue"' in deadline_step


def test_met_after_its_date_stays_late(app, client, liaison):
    cid, mid = with_milestone(app, due_in=-5, set_days_ago=30)
    saved = submit(liaison, cid, "milestone_met", path="milestone-met", milestone=mid,
                   note="补报开工")  # fmt: skip
    assert saved.status_code == 302
    html = public_page(client, cid)
    assert progress_line(html)[0] == (str(mid), "met_late")
    assert "逾期完成" in html
