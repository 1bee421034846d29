"""派单异议: within the acknowledgement limit a department says "not ours"; the
office reassigns (the timeline keeps both departments, the scorecards follow)
or refuses with a reason."""

from datetime import timedelta

from followup.test_escalation import kinds, listed, on_day
from followup_support import HOUSING, TRANSPORT, make_commitment, submit
from sqlalchemy import select

from hotline.changes import escalation
from hotline.extensions import db
from hotline.models import Commitment, Department


def department_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == name))


def card(app, dept: int) -> dict:
    rows = app.test_client().get("/api/v1/departments").json["data"]
    return next(r for r in rows if r["id"] == dept)


def test_reassigned_item_keeps_the_original_department_on_the_timeline(app, login):
    housing, transport = department_id(app, HOUSING), department_id(app, TRANSPORT)
    before = card(app, housing)["commitments"], card(app, transport)["commitments"]
    cid = make_commitment(app)
    liaison, office = login("housing"), login("office")
    response = submit(liaison, cid, "dispute", reason="道路养护属交通部门职责")
    assert response.status_code == 302
    assert listed(office, "disputes", cid)
    assert "form-acknowledge" not in liaison.get(f"/followup/commitments/{cid}").text

    response = submit(
        office, cid, "dispute_decision", "dispute-decision",
        decision="reassign", department=str(transport), reason="经核实属交通运输局职责",
    )  # fmt: skip
    assert response.status_code == 302
    assert kinds(app, cid)[-2:] == ["disputed", "reassigned"]
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert item.department_id == transport and item.acknowledged_at is None

    public = app.test_client().get(f"/commitments/{cid}").get_data(as_text=True)
    assert f'data-reassigned="{housing}-{transport}"' in public
    assert f"由{HOUSING}改派至{TRANSPORT}" in public
    assert "道路养护属交通部门职责" in public and "经核实属交通运输局职责" in public
    assert not listed(office, "disputes", cid)

    # The scorecards follow the item; the old department no longer works on it.
    assert (card(app, housing)["commitments"], card(app, transport)["commitments"]) == (
        before[0],
        before[1] + 1,
    )
    assert liaison.get(f"/followup/commitments/{cid}").status_code == 404
    new = login("transport")
    assert listed(new, "to-acknowledge", cid)
    assert submit(new, cid, "acknowledge").status_code == 302


def test_refused_dispute_leaves_the_item_with_its_department(app, login):
    housing = department_id(app, HOUSING)
    cid = make_commitment(app)
    liaison, office = login("housing"), login("office")
    assert submit(liaison, cid, "dispute", reason="不属本部门").status_code == 302
    # Reassigning needs a department.
    response = submit(
        office, cid, "dispute_decision", "dispute-decision", decision="reassign", reason="改派"
    )
    assert response.status_code == 422
    response = submit(
        office,
        cid,
        "dispute_decision",
        "dispute-decision",
        decision="refuse",
        reason="属住建局职责，请签收办理",
    )
    assert response.status_code == 302
    assert kinds(app, cid)[-1] == "dispute_refused"
    with app.app_context():
        assert db.session.get(Commitment, cid).department_id == housing
    page = liaison.get(f"/followup/commitments/{cid}").text
    assert "form-dispute" not in page  # once per department
    assert "form-acknowledge" in page
    public = app.test_client().get(f"/commitments/{cid}").text
    assert "派单异议未获同意" in public and "属住建局职责" in public


def test_a_dispute_is_possible_until_the_acknowledgement_limit_only(app, login, monkeypatch):
    cid = make_commitment(app)
    with app.app_context():
        last_day = escalation.acknowledge_by(db.session.get(Commitment, cid))
    liaison = login("housing")
    on_day(monkeypatch, last_day)
    assert "form-dispute" in liaison.get(f"/followup/commitments/{cid}").text
    on_day(monkeypatch, last_day + timedelta(days=1))
    assert "form-dispute" not in liaison.get(f"/followup/commitments/{cid}").text
    on_day(monkeypatch, last_day)
    form_page = liaison.get(f"/followup/commitments/{cid}").text
    assert "form-dispute" in form_page
    # A form loaded in time but sent after the limit is refused, nothing written.
    from followup_support import form_state

    data = form_state(liaison, cid, "dispute")
    data["dispute-reason"] = "太晚了"
    on_day(monkeypatch, last_day + timedelta(days=1))
    response = liaison.post_form(f"/followup/commitments/{cid}/dispute", data)
    assert response.status_code == 422
    assert "disputed" not in kinds(app, cid)
