"""The callback (回访) after verification: reached or not, the caller's verdict
on the public timeline (never their name or phone), and a dissatisfied verdict
that reopens the item (重办) in one step — then met late, counted once."""

from datetime import timedelta

from followup_support import make_commitment, submit
from sqlalchemy import select, update

import hotline.followup.routes
from hotline.extensions import db
from hotline.models import CallerContact, Commitment, Event

HOUSING_ID = 1


def housing_card(app):
    rows = app.test_client().get("/api/v1/departments").json["data"]
    return next(r for r in rows if r["id"] == HOUSING_ID)


def verified(app, login, days=5):
    cid = make_commitment(app, days=days)
    with app.app_context():
        call_id = db.session.get(Commitment, cid).call_id
        db.session.execute(
            update(CallerContact)
            .where(CallerContact.call_id == call_id)
            .values(name="回访测试人", phone="13711112222")
        )
        db.session.commit()
    liaison, office = login("housing"), login("office")
    assert submit(liaison, cid, "completion", note="已完成").status_code == 302
    assert submit(office, cid, "verify").status_code == 302
    return cid, liaison, office


def kinds(app, cid):
    with app.app_context():
        return db.session.scalars(
            select(Event.kind).where(Event.commitment_id == cid).order_by(Event.id)
        ).all()


def test_dissatisfied_callback_reopens_then_met_late_counted_once(app, login, monkeypatch):
    before = housing_card(app)
    cid, liaison, office = verified(app, login)
    after_first = housing_card(app)
    assert after_first["commitments"] == before["commitments"] + 1
    assert after_first["met_on_time"] == before["met_on_time"] + 1

    response = submit(
        office, cid, "callback", reached="yes", verdict="dissatisfied",
        note="群众说路面又裂了", reopen_reason="回访群众不满意：路面再次开裂，重办",
    )  # fmt: skip
    assert response.status_code == 302
    assert kinds(app, cid)[-2:] == ["callback", "redone"]
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert item.state == "open" and item.completed_on is None
        deadline = item.deadline
    public = app.test_client().get(f"/commitments/{cid}").text
    assert 'data-callback="dissatisfied"' in public and "群众评价：不满意" in public
    assert "回访不满意，重办" in public and "路面再次开裂" in public
    for private in ("回访测试人", "13711112222", "群众说路面又裂了"):
        assert private not in public
        assert private not in app.test_client().get(f"/commitments/{cid}/feed.atom").text
        assert private not in app.test_client().get("/api/v1/commitments?per_page=100").text
    assert "群众说路面又裂了" in office.get(f"/followup/commitments/{cid}").text

    monkeypatch.setattr(hotline.followup.routes, "today", lambda: deadline + timedelta(days=3))
    assert submit(liaison, cid, "completion", note="重新修复").status_code == 302
    assert submit(office, cid, "verify").status_code == 302
    page = app.test_client().get(f"/commitments/{cid}").text
    assert "逾期办结" in page
    card = housing_card(app)
    assert card["commitments"] == before["commitments"] + 1  # one item, counted once
    assert card["met_late"] == before["met_late"] + 1
    assert card["met_on_time"] == before["met_on_time"]


def test_not_reached_and_bad_combinations(app, login):
    cid, liaison, office = verified(app, login)
    assert 'id="form-callback"' in office.get(f"/followup/commitments/{cid}").text
    assert 'id="form-callback"' not in liaison.get(f"/followup/commitments/{cid}").text
    assert liaison.post_form(f"/followup/commitments/{cid}/callback", {}).status_code == 403
    refused = submit(office, cid, "callback", reached="yes", verdict="satisfied",
                     reopen_reason="想重办")  # fmt: skip
    assert refused.status_code == 422
    assert submit(office, cid, "callback", reached="yes").status_code == 422  # no verdict
    assert submit(office, cid, "callback", reached="no").status_code == 302
    assert kinds(app, cid)[-1] == "callback"
    public = app.test_client().get(f"/commitments/{cid}").text
    assert 'data-callback="not_reached"' in public and "未能联系上来电群众" in public
    with app.app_context():
        assert db.session.get(Commitment, cid).state == "met"


def test_no_phone_no_callback(app, login):
    cid, _liaison, office = verified(app, login)
    with app.app_context():
        call_id = db.session.get(Commitment, cid).call_id
        db.session.execute(
            update(CallerContact).where(CallerContact.call_id == call_id).values(phone="")
        )
        db.session.commit()
    assert 'id="form-callback"' not in office.get(f"/followup/commitments/{cid}").text
    with app.app_context():
        version = str(db.session.get(Commitment, cid).version)
    data = {"callback-reached": "no", "callback-version": version, "callback-idem": "nophone"}
    refused = office.post_form(f"/followup/commitments/{cid}/callback", data)
    assert refused.status_code == 422
    assert kinds(app, cid)[-1] == "verified"
