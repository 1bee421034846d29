"""Who may do what after the show: role checks and the department check in the query."""

import re
from datetime import timedelta

import pytest
from followup_support import (
    HOUSING,
    TRANSPORT,
    event_count,
    form_state,
    load,
    local_today,
    make_commitment,
    submit,
)
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Role, User

LIAISON_ACTIONS = ("progress", "extension", "completion")
SUPERVISOR_ACTIONS = ("decision", "verify", "reopen", "press", "withdraw")


def test_another_departments_item_is_not_found(app, liaison):
    cid = make_commitment(app, department=TRANSPORT)
    before = event_count(app)
    assert liaison.get(f"/followup/commitments/{cid}").status_code == 404
    for action in LIAISON_ACTIONS:
        r = liaison.post_form(
            f"/followup/commitments/{cid}/{action}",
            {f"{action}-version": "1", f"{action}-note": "x", f"{action}-reason": "x"},
        )
        assert r.status_code == 404, action
    assert event_count(app) == before
    # Their own dashboard does not list it either.
    assert f'/followup/commitments/{cid}"' not in liaison.get("/followup/").get_data(as_text=True)


@pytest.mark.parametrize("action", SUPERVISOR_ACTIONS)
def test_a_liaison_cannot_decide_verify_press_or_withdraw(app, liaison, action):
    cid = make_commitment(app)
    r = liaison.post_form(
        f"/followup/commitments/{cid}/{action}",
        {f"{action}-version": "1", f"{action}-reason": "x", f"{action}-note": "x"},
    )
    assert r.status_code == 403
    page = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert f'id="form-{action}"' not in page


@pytest.mark.parametrize("action", LIAISON_ACTIONS + SUPERVISOR_ACTIONS)
def test_a_moderator_only_reads(app, moderator, action):
    cid = make_commitment(app)
    page = moderator.get(f"/followup/commitments/{cid}")
    assert page.status_code == 200
    assert '<form method="post" action="/followup/' not in page.get_data(as_text=True)
    r = moderator.post_form(f"/followup/commitments/{cid}/{action}", {})
    assert r.status_code == 403


@pytest.mark.parametrize("action", LIAISON_ACTIONS + SUPERVISOR_ACTIONS)
def test_anonymous_is_sent_to_sign_in(app, client, action):
    cid = make_commitment(app)
    r = client.post_form(f"/followup/commitments/{cid}/{action}", {})
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    assert client.get("/followup/").status_code == 302


def _second_supervisor(app, login):
    with app.app_context():
        user = User(username="office2", display_name="办公室 张科长", role=Role.SUPERVISOR)
        user.set_password("hotline-demo")
        db.session.add(user)
        db.session.commit()
    return login("office2")


def test_no_one_approves_their_own_extension(app, supervisor, login):
    cid = make_commitment(app)
    new = (local_today(app) + timedelta(days=30)).isoformat()
    # The office may act for a department; then it cannot also decide.
    submit(supervisor, cid, "extension", new_deadline=new, reason="代部门申请。")
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-decision"' not in page
    version = load(app, cid).version
    before = event_count(app)
    r = supervisor.post_form(
        f"/followup/commitments/{cid}/decision",
        {"decision-version": version, "decision-decision": "grant", "decision-reason": "同意"},
    )
    assert r.status_code == 422
    assert event_count(app) == before
    other = _second_supervisor(app, login)
    assert submit(other, cid, "decision", decision="grant", reason="同意。").status_code == 302
    assert load(app, cid).deadline.isoformat() == new


def test_no_one_verifies_their_own_completion(app, supervisor, login):
    cid = make_commitment(app)
    submit(supervisor, cid, "completion", note="代部门报办结。")
    # As for an extension: the form is not offered, and a post is refused.
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-verify"' not in page and 'id="form-reopen"' in page
    r = supervisor.post_form(
        f"/followup/commitments/{cid}/verify", {"verify-version": load(app, cid).version}
    )
    assert r.status_code == 422
    assert load(app, cid).state == "reported"
    other = _second_supervisor(app, login)
    assert submit(other, cid, "verify").status_code == 302
    assert load(app, cid).state == "met"


def test_dashboard_is_role_aware(app, liaison, supervisor, login):
    own = make_commitment(app, days=-1)
    other = make_commitment(app, days=-1, department=TRANSPORT)
    mine = liaison.get("/followup/").get_data(as_text=True)
    assert f'id="item-{own}"' in mine and f'id="item-{other}"' not in mine
    assert "市住房和城乡建设局" in mine
    everything = supervisor.get("/followup/").get_data(as_text=True)
    assert f'id="item-{own}"' in everything and f'id="item-{other}"' in everything
    assert login("transport").get(f"/followup/commitments/{own}").status_code == 404


def test_dashboard_counts(app, liaison):
    make_commitment(app, days=-1)  # overdue
    make_commitment(app, days=3)  # due soon
    reported = make_commitment(app, days=20)
    submit(liaison, reported, "completion", note="已完成。")
    html = liaison.get("/followup/?lang=en").get_data(as_text=True)
    counts = dict(
        (label.strip(), int(n))
        for n, label in re.findall(r'<strong class="count">(\d+)</strong>([^<]+)</a>', html)
    )
    # Demo data has housing items too; the new ones add to each group.
    assert counts["Overdue"] >= 1 and counts["Awaiting verification"] >= 1
    assert counts["Due within 7 days"] >= 1
    groups = ("Overdue", "Due within 7 days", "Awaiting verification", "Other open items")
    assert html.count('id="item-') == sum(counts[k] for k in groups)


def test_forms_carry_a_fresh_token_each_time(app, liaison):
    cid = make_commitment(app)
    first = form_state(liaison, cid, "progress")["progress-idem"]
    second = form_state(liaison, cid, "progress")["progress-idem"]
    assert first and second and first != second


def test_dashboard_shows_how_often_an_item_was_pressed(app, supervisor, liaison):
    cid = make_commitment(app, days=-4)
    submit(supervisor, cid, "press", note="第一次督办。")
    submit(supervisor, cid, "press", note="第二次督办。")
    html = liaison.get("/followup/?lang=en").get_data(as_text=True)
    row = html.split(f'id="item-{cid}"')[1].split("</tr>")[0]
    assert "Pressed 2 times" in row


def test_liaison_dashboard_updates_live_for_its_department(app, supervisor, liaison, socket_client):
    from hotline.models import Department

    cid = make_commitment(app, days=-2)
    with app.app_context():
        housing = db.session.scalar(select(Department.id).where(Department.name == HOUSING))
    html = liaison.get("/followup/").get_data(as_text=True)
    assert f'data-live-room="department:{housing}"' in html and 'data-live-ns="/desk"' in html
    fragment = liaison.get("/followup/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="followup-items"') and "<html" not in fragment

    watcher = socket_client("/desk", liaison)
    room = f"department:{housing}"
    assert room in watcher.emit("join", {"rooms": [room]}, namespace="/desk", callback=True)
    watcher.get_received("/desk")
    submit(supervisor, cid, "press", note="请加快。")
    pushed = [
        m["args"][0]
        for m in watcher.get_received("/desk")
        if m["name"] == "swap" and m["args"][0]["target"] == "#followup-items"
    ]
    assert len(pushed) == 1
    row = pushed[0]["html"].split(f'id="item-{cid}"')[1].split("</tr>")[0]
    assert "已督办2次" not in row and "已督办1次" in row  # rendered for the department
