"""One answer to "may this user do this to this item today?"
(actions.followup.allowed_actions): the follow-up page shows exactly those
forms, and the integration API accepts exactly those actions, for every role
and every state an item can be in."""

import secrets
from datetime import timedelta

import pytest
from api_support import HOUSING, api_post, make_token
from followup.test_duplicates import new_item
from sqlalchemy import func, select

from hotline.actions.followup import ACTIONS, allowed_actions
from hotline.changes import commitments as domain
from hotline.changes import escalation, messages, milestones
from hotline.clock import today
from hotline.extensions import db
from hotline.models import (
    CallerContact,
    Commitment,
    Deputy,
    DeputyMessage,
    Event,
    Milestone,
    User,
    utcnow,
)

WORKER = {"progress", "extension", "completion"}
OPEN_FOR_THE_OFFICE = WORKER | {"press", "withdraw", "merge"}
NEW_FOR_THE_DEPARTMENT = WORKER | {"acknowledge", "dispute"}
MILESTONES = {"milestone", "milestone_met", "milestone_move"}

# An open pledge made on air: its terms may be completed (the department, the
# office), and the office may ask for its missing acceptance criterion.
TERMS, NO_CRITERION = {"terms"}, {"terms", "request_criterion"}

# state: (what the department's liaison may do, what the office may do). The
# office ("me") is whoever acts as the supervisor: signed in, or a token.
EXPECTED = {
    "open": (NEW_FOR_THE_DEPARTMENT | TERMS, OPEN_FOR_THE_OFFICE | NO_CRITERION),
    "open, with its acceptance criterion": (
        NEW_FOR_THE_DEPARTMENT | TERMS,
        OPEN_FOR_THE_OFFICE | TERMS,
    ),
    "open, acknowledged": (WORKER | TERMS, OPEN_FOR_THE_OFFICE | NO_CRITERION),
    "open, disputed": (WORKER | TERMS, OPEN_FOR_THE_OFFICE | NO_CRITERION | {"dispute_decision"}),
    "open, past the acknowledgement limit": (
        WORKER | {"acknowledge"} | TERMS,
        OPEN_FOR_THE_OFFICE | NO_CRITERION,
    ),
    "open, extension asked by the department": (
        NEW_FOR_THE_DEPARTMENT - {"extension"} | TERMS,
        OPEN_FOR_THE_OFFICE - {"extension"} | {"decision"} | NO_CRITERION,
    ),
    "open, extension asked by me": (
        NEW_FOR_THE_DEPARTMENT - {"extension"} | TERMS,
        OPEN_FOR_THE_OFFICE - {"extension"} | NO_CRITERION,
    ),
    "reported by the department": (set(), {"verify", "reopen", "withdraw", "merge"}),
    "reported by me": (set(), {"reopen", "withdraw", "merge"}),
    "reported, extension waiting": (set(), {"decision", "verify", "reopen", "withdraw", "merge"}),
    "met": (set(), {"merge"}),
    "met, the caller left a phone": (set(), {"callback", "merge"}),
    "met, extension still waiting": (set(), {"merge"}),
    "withdrawn": (set(), set()),
    "open, its call linked to an earlier one": (
        NEW_FOR_THE_DEPARTMENT | TERMS,
        OPEN_FOR_THE_OFFICE - {"merge"} | NO_CRITERION,
    ),
    # 交办: a referral, no pledge of an official's to add terms to.
    "open, from a 代表码 message": (NEW_FOR_THE_DEPARTMENT, OPEN_FOR_THE_OFFICE - {"merge"}),
    # Due more than 60 days after it was made: it may carry milestones.
    "open, due far ahead": (
        NEW_FOR_THE_DEPARTMENT | {"milestone"} | TERMS,
        OPEN_FOR_THE_OFFICE | {"milestone"} | NO_CRITERION,
    ),
    "open, far ahead, a milestone ahead": (
        NEW_FOR_THE_DEPARTMENT | MILESTONES | TERMS,
        OPEN_FOR_THE_OFFICE | MILESTONES | NO_CRITERION,
    ),
    # Its date passed: it can be met (late), never moved; made 40 days ago,
    # so past the acknowledgement limit and the dispute's.
    "open, far ahead, a milestone passed": (
        WORKER | {"acknowledge", "milestone", "milestone_met"} | TERMS,
        OPEN_FOR_THE_OFFICE | {"milestone", "milestone_met"} | NO_CRITERION,
    ),
}
STATES = list(EXPECTED)


def account(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _from_a_message() -> Commitment:
    deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.active).limit(1))
    text = f"代码留言：路灯不亮（{secrets.token_hex(4)}）"
    messages.receive(deputy_id, text=text, area="东港村", name="", phone="")
    db.session.flush()
    message = db.session.scalar(select(DeputyMessage).where(DeputyMessage.text == text))
    return messages.assign(
        message,
        actor=None,
        summary="路灯不亮",
        suggestion="请修复",
        department_id=HOUSING,
        deadline=today() + timedelta(days=10),
    )


def build(app, state: str, me: str) -> int:
    """A fresh housing item in `state`; `me` is the office's username."""
    with app.test_request_context("/"):
        if state == "open, from a 代表码 message":
            item = _from_a_message()
            db.session.commit()
            return item.id
        item = db.session.get(Commitment, new_item(app, 0, f"{state}的问题"))
        department, office = account("housing"), account(me)

        def v() -> int:  # the item's version now: each step moves it on
            db.session.flush()
            return item.version

        def ask(actor):
            deadline = item.deadline + timedelta(days=30)
            domain.request_extension(
                item, actor=actor, new_deadline=deadline, reason="汛期", today=today(), version=v()
            )

        def report(actor):
            domain.report_completion(item, actor=actor, note="已完成", on=today(), version=v())

        if state == "open, with its acceptance criterion":
            item.criterion = "街道办现场验收"
        if state == "open, acknowledged":
            escalation.acknowledge(item, actor=department, version=v())
        if state == "open, disputed":
            escalation.dispute(
                item, actor=department, reason="不属本部门", day=today(), version=v()
            )
        if state == "open, past the acknowledgement limit":
            item.assigned_at = utcnow() - timedelta(days=40)
        if state in (
            "open, extension asked by the department",
            "reported, extension waiting",
            "met, extension still waiting",
        ):
            ask(department)
        if state == "open, extension asked by me":
            ask(office)
        if state.startswith(("reported", "met")):
            report(office if state == "reported by me" else department)
        if state.startswith("met"):
            domain.verify_completion(item, actor=office, version=v())
        if state == "met, the caller left a phone":
            db.session.add(CallerContact(call_id=item.call_id, phone="13711112222"))
        if state == "withdrawn":
            domain.withdraw(item, actor=office, reason="重复事项", version=v())
        if "far ahead" in state:
            item.deadline = item.original_deadline = today() + timedelta(days=200)
        if state == "open, far ahead, a milestone ahead":
            set_one(item, department, today() + timedelta(days=20), today(), v())
        if state == "open, far ahead, a milestone passed":
            item.created_at = utcnow() - timedelta(days=40)
            set_one(item, department, today() - timedelta(days=5), today() - timedelta(30), v())
        if state == "open, its call linked to an earlier one":
            earlier = db.session.get(Commitment, new_item(app, 60, "更早的问题"))
            item.call.duplicate_of_id = earlier.call_id
        db.session.commit()
        return item.id


def set_one(item, actor, due_on, day, version) -> None:
    milestones.set_milestone(
        item, actor=actor, title="开工", shows="开工照片", due_on=due_on, today=day,
        version=version,
    )  # fmt: skip


def first_milestone(app, cid: int) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Milestone.id).where(Milestone.commitment_id == cid))


def allowed_for(app, username: str, cid: int) -> set[str]:
    with app.test_request_context("/"):
        item = db.session.get(Commitment, cid)
        return set(allowed_actions(account(username), item, today()))


def test_every_action_is_allowed_in_some_state_of_the_table():
    assert {name for states in EXPECTED.values() for s in states for name in s} == set(ACTIONS)


@pytest.mark.parametrize("state", STATES)
def test_allowed_actions_for_every_role(app, state):
    """The table above, against the function: the department, the office, a
    moderator and a deputy account."""
    cid = build(app, state, "office")
    department, office = EXPECTED[state]
    assert allowed_for(app, "housing", cid) == department
    assert allowed_for(app, "office", cid) == office
    assert allowed_for(app, "host", cid) == set()  # a moderator reads
    with app.test_request_context("/"):
        item = db.session.get(Commitment, cid)
        assert allowed_actions(User(username="a deputy", role="deputy"), item, today()) == []


def forms_on_the_page(client, cid: int) -> set[str]:
    html = client.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    return {name for name in ACTIONS if f'id="form-{name}"' in html}


@pytest.mark.parametrize("state", STATES)
def test_the_page_shows_exactly_the_allowed_actions(app, login, state):
    cid = build(app, state, "office")
    for username in ("housing", "office", "host"):
        assert forms_on_the_page(login(username), cid) == allowed_for(app, username, cid), username


GOOD = {
    "progress": {"note": "已清淤一半", "percent": 50},
    "extension": {"reason": "汛期施工受限"},  # and a new deadline, below
    "completion": {"note": "已完成"},
    "decision": {"decision": "refuse", "reason": "不同意"},
    "verify": {"note": "已核实"},
    "reopen": {"reason": "照片不清"},
    "press": {"note": "请加快"},
    "withdraw": {"reason": "重复事项"},
    "callback": {"reached": "yes", "verdict": "satisfied"},
    "acknowledge": {},
    "dispute": {"reason": "属交通部门"},
    "dispute_decision": {"decision": "refuse", "reason": "属住建局职责"},
    "merge": {"reason": "同一问题"},  # and the earlier item, below
    "milestone": {"title": "过半", "shows": "管网铺设一半"},  # and a date, below
    "milestone_met": {"note": "已开工"},  # and the milestone, below
    "milestone_move": {"reason": "雨季推迟"},  # and the milestone and a date
    "terms": {"criterion": "街道办会同居民代表现场验收", "measure": "2盏"},
    "request_criterion": {"note": "请补充验收标准"},
}


def events_and_version(app, cid: int) -> tuple[int, int]:
    with app.app_context():
        count = select(func.count()).select_from(Event).where(Event.commitment_id == cid)
        return db.session.scalar(count), db.session.get(Commitment, cid).version


@pytest.mark.parametrize("state", STATES)
def test_the_api_accepts_exactly_the_allowed_actions(app, state):
    """Each action the token's role may take, on a fresh item in this state:
    saved when allowed, refused (422, naming the state, nothing written) when not."""
    tokens = {
        "api:office-token": make_token(app, "office-token", "supervisor"),
        "api:housing-token": make_token(app, "housing-token", "liaison", department_id=HOUSING),
    }
    earlier = new_item(app, 90, "更早的同一问题")
    with app.app_context():
        later = (today() + timedelta(days=60)).isoformat()
        beyond = (today() + timedelta(days=260)).isoformat()  # after a far deadline
    for username, secret in tokens.items():
        role = "supervisor" if username == "api:office-token" else "liaison"
        refused_on = build(app, state, "api:office-token")  # a refusal writes nothing
        allowed = allowed_for(app, username, refused_on)
        for name, action in ACTIONS.items():
            if role not in action.roles:
                continue  # a 403 before anything is read (tests/test_api_followup.py)
            cid = build(app, state, "api:office-token") if name in allowed else refused_on
            before = events_and_version(app, cid)
            body = {**GOOD[name], "version": before[1]}
            if name == "extension":
                body["new_deadline"] = beyond if "far ahead" in state else later
            body |= {"earlier": earlier} if name == "merge" else {}
            body |= {"due_on": later} if name in ("milestone", "milestone_move") else {}
            if name in ("milestone_met", "milestone_move"):
                # An item with none gets a well-formed id (the body's schema is
                # checked first): the refusal must then name the state.
                body["milestone"] = first_milestone(app, cid) or 1
            response = api_post(app, f"/api/v1/commitments/{cid}/{action.path}", secret, body)
            if name in allowed:
                assert response.status_code == 200, (username, name, response.json)
            else:
                assert response.status_code == 422, (username, name, response.json)
                assert list(response.json["errors"]) == ["state"], (username, name)
                assert events_and_version(app, cid) == before, (username, name)


def test_the_page_hides_and_the_api_refuses_a_merge_of_a_withdrawn_item(app, login):
    """Before the one table, the page hid it while the API merged it."""
    cid = build(app, "withdrawn", "office")
    assert "merge" not in forms_on_the_page(login("office"), cid)
    office = make_token(app, "office-token", "supervisor")
    earlier = new_item(app, 90, "更早")
    body = {"reason": "同一问题", "earlier": earlier, "version": events_and_version(app, cid)[1]}
    response = api_post(app, f"/api/v1/commitments/{cid}/merge", office, body)
    assert response.status_code == 422 and list(response.json["errors"]) == ["state"]


def test_the_page_shows_and_the_api_takes_a_decision_on_a_waiting_request(app, login):
    cid = build(app, "open, extension asked by the department", "office")
    assert "decision" in forms_on_the_page(login("office"), cid)
    office = make_token(app, "office-token", "supervisor")
    body = {"decision": "grant", "reason": "同意", "version": events_and_version(app, cid)[1]}
    response = api_post(app, f"/api/v1/commitments/{cid}/decision", office, body)
    assert response.status_code == 200 and response.json["data"]["state"] == "open"
