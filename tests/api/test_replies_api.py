"""GET /api/v1/replies: the office's response templates in use, for an
integration with a staff token. Filtered by action and by category (the
category's own with the all-category ones, as a liaison is offered them);
never a retired one; refused without a token, with a deputy's token, and for
a filter value it does not know (the parameter named)."""

import pytest
from api_support import HOUSING, bearer, make_token
from sqlalchemy import select

from hotline.changes.categories import category_for
from hotline.extensions import db
from hotline.models import Deputy, Reply, Role

URL = "/api/v1/replies"


def listed(app, secret, query: str = "") -> list[dict]:
    response = app.test_client().get(URL + query, headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["data"]


def category_id(app, name: str) -> int:
    with app.app_context():
        return category_for(name).id  # a name or an alias (住房 is 住房城建)


@pytest.mark.parametrize(
    ("role", "department"),
    [(Role.LIAISON, HOUSING), (Role.MODERATOR, None), (Role.SUPERVISOR, None)],
)
def test_every_staff_token_lists_the_templates_in_use(app, role, department):
    secret = make_token(app, "phone app", role, department_id=department)
    rows = listed(app, secret)
    titles = [r["title"] for r in rows]
    assert "已现场查看" in titles and "管网检测维修" in titles and "路灯检修" in titles
    assert "已转交（旧）" not in titles  # retired
    first = next(r for r in rows if r["title"] == "已现场查看")
    assert first["action"] == "progress" and first["category_id"] is None
    assert first["category"] is None and first["text"].startswith("{部门}已于{日期}")
    assert first["placeholders"] == [
        {"written": "{部门}", "means": "department"},
        {"written": "{日期}", "means": "date"},
        {"written": "{地点}", "means": "place"},
        {"written": "{时限}", "means": "deadline"},
    ]
    pipes = next(r for r in rows if r["title"] == "管网检测维修")
    # The demo's 住房 is the office's 住房城建 (an alias on its list).
    assert (pipes["category_id"], pipes["category"]) == (category_id(app, "住房"), "住房城建")


def test_filters_by_action_and_by_category_as_a_liaison_is_offered_them(app):
    secret = make_token(app, "phone app", Role.LIAISON, department_id=HOUSING)
    progress = [r["title"] for r in listed(app, secret, "?action=progress")]
    assert progress == ["已现场查看", "施工推进中", "管网检测维修", "路灯检修"]
    housing = category_id(app, "住房")
    offered = [r["title"] for r in listed(app, secret, f"?action=progress&category={housing}")]
    assert offered == ["管网检测维修", "已现场查看", "施工推进中"]
    any_action = {r["title"] for r in listed(app, secret, f"?category={housing}")}
    assert "需多部门协调" in any_action and "路灯检修" not in any_action
    assert [r["title"] for r in listed(app, secret, "?action=answer")] == ["本周上门查看"]


def test_a_retired_template_is_no_longer_listed(app, supervisor):
    secret = make_token(app, "phone app", Role.MODERATOR)
    with app.app_context():
        row_id = db.session.scalar(select(Reply.id).where(Reply.title == "本周上门查看"))
    supervisor.post_form(f"/admin/replies/{row_id}/active", {"active": "0"})
    assert listed(app, secret, "?action=answer") == []


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("?action=callback", "action", "must be one of"),
        ("?action=", "action", "is empty"),
        ("?category=abc", "category", "whole number"),
        ("?category=99999", "category", "there is no category 99999"),
    ],
)
def test_a_filter_value_it_does_not_know_is_a_400_naming_it(app, query, parameter, words):
    secret = make_token(app, "phone app", Role.SUPERVISOR)
    response = app.test_client().get(URL + query, headers=bearer(secret))
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and words in body["error"]


def test_no_token_or_a_deputys_token_is_refused(app):
    client = app.test_client()
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=bearer("not-a-token")).status_code == 401
    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).limit(1))
    from hotline.changes import tokens

    with app.app_context():
        _token, secret = tokens.create("deputy app", Role.DEPUTY, deputy_id=deputy_id)
        db.session.commit()
    assert client.get(URL, headers=bearer(secret)).status_code == 403


def test_a_signed_in_browser_without_a_token_is_refused(app, supervisor):
    """The session cookie is never read on the token API."""
    assert supervisor.get(URL).status_code == 401
