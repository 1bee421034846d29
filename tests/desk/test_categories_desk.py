"""On air the desk picks a category and an area from the office's lists: the
typed text is kept, the ids follow it, a call with a category and no
department goes to the category's department (the desk, the question put on
air and the API alike), and an area not on the list is saved as typed and
waits for the office to map it, never refused mid-show."""

from __future__ import annotations

import re

from api_support import api_post, make_token
from desk_support import calls_of, log
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Area, Call, Category, DeputyMessage

CITY, TRANSPORT_DEPT = 3, 2  # demo departments: 市城市管理执法局, 市交通运输局


def ids(app, model, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.name == name))


def last_call(app, show_id) -> Call:
    return calls_of(app, show_id)[-1]


def test_a_call_logged_with_a_category_routes_to_its_default_department(app, moderator, live_show):
    response = log(
        moderator, live_show, topic="路灯不亮", area="凤凰街道办", category="城管", department=""
    )
    assert response.status_code == 303
    call = last_call(app, live_show)
    assert call.department_id == CITY
    assert call.category == "城管" and call.category_id == ids(app, Category, "城市管理")
    assert call.area == "凤凰街道办" and call.area_id == ids(app, Area, "凤凰街道")


def test_the_desk_s_own_department_wins(app, moderator, live_show):
    log(moderator, live_show, category="城市管理", department=str(TRANSPORT_DEPT))
    call = last_call(app, live_show)
    assert call.department_id == TRANSPORT_DEPT and call.category_id == ids(
        app, Category, "城市管理"
    )


def test_an_unknown_area_is_saved_as_typed_and_waits_for_the_office(
    app, moderator, supervisor, live_show
):
    response = log(
        moderator, live_show, area="新港开发区某村", category="天上掉的类别", department=""
    )
    assert response.status_code == 303  # never refused on air
    call = last_call(app, live_show)
    assert (call.area, call.area_id, call.category_id, call.department_id) == (
        "新港开发区某村",
        None,
        None,
        None,
    )
    assert "<td>新港开发区某村</td><td>1</td>" in supervisor.get("/admin/areas").text
    supervisor.post_form("/admin/areas/map", {"text": "新港开发区某村", "target": "泽林镇"})
    log(moderator, live_show, area="新港开发区某村")  # typed again: the alias now finds it
    first, second = calls_of(app, live_show)
    assert first.area_id == second.area_id == ids(app, Area, "泽林镇")


def test_a_retired_category_routes_nothing_new_and_keeps_its_calls(
    app, moderator, supervisor, live_show
):
    city = ids(app, Category, "城市管理")
    supervisor.post_form(f"/admin/categories/{city}/active", {"active": "0"})
    log(moderator, live_show, category="城管", department="")
    call = last_call(app, live_show)
    assert call.category_id == city and call.department_id is None


def test_a_corrected_category_routes_an_unrouted_call(app, moderator, live_show):
    log(moderator, live_show, area="某地", category="", department="")
    call = last_call(app, live_show)
    form = {
        "correct-topic": call.topic,
        "correct-area": "古楼街道",
        "correct-category": "交通",
        "correct-department": "",
        "correct-deputy": "",
        "correct-version": str(call.version),
        "correct-idem": "fix-1",
    }
    assert moderator.post_form(f"/desk/calls/{call.id}/correct", form).status_code == 303
    fixed = last_call(app, live_show)
    assert fixed.department_id == TRANSPORT_DEPT
    assert fixed.area_id == ids(app, Area, "古楼街道")
    assert fixed.category_id == ids(app, Category, "交通出行")


def test_the_pickers_offer_the_lists_and_filter_as_typed(app, moderator, client, live_show):
    page = moderator.get(f"/desk/shows/{live_show}").get_data(as_text=True)
    assert 'list="call-category-options"' in page and 'list="call-area-options"' in page
    categories = re.search(r'<datalist id="call-category-options">(.*?)</datalist>', page, re.S)
    assert '<option value="城市管理">' in categories.group(1)
    areas = re.search(r'<datalist id="call-area-options">(.*?)</datalist>', page, re.S).group(1)
    assert '<option value="凤凰街道">鄂城区 · 凤凰街道</option>' in areas
    # The filter asks with the area input's own value only, never the caller's fields.
    picker = re.search(r'<div class="picker"[^>]*>', page).group(0)
    assert 'hx-include="#area"' in picker and 'hx-get="/areas/options"' in picker

    found = client.get("/areas/options?area=寒溪").get_data(as_text=True)
    assert found == '<option value="寒溪社区">鄂城区 · 凤凰街道 · 寒溪社区</option>'
    assert client.get("/areas/options?correct-area=不存在").get_data(as_text=True) == ""


def test_a_name_used_twice_is_offered_with_its_parent(app, supervisor, client):
    supervisor.post_form("/admin/areas", {"name": "寒溪社区", "parent": "古楼街道"})
    found = client.get("/areas/options?area=寒溪").get_data(as_text=True)
    assert '<option value="寒溪社区（凤凰街道）">' in found
    assert '<option value="寒溪社区（古楼街道）">' in found


def test_the_api_routes_by_category_and_picks_by_id(app, live_show):
    secret = make_token(app, "phones", "moderator")
    url = f"/api/v1/shows/{live_show}/calls"
    typed = api_post(
        app, url, secret, {"topic": "公交站台没有遮雨棚", "category": "交通"}, key="k1"
    )
    assert typed.status_code == 201
    assert typed.json["data"]["department_id"] == TRANSPORT_DEPT
    assert typed.json["data"]["category_id"] == ids(app, Category, "交通出行")

    city, street = ids(app, Category, "城市管理"), ids(app, Area, "西山街道")
    picked = api_post(
        app, url, secret, {"topic": "垃圾桶满溢", "category_id": city, "area_id": street}, key="k2"
    )
    data = picked.json["data"]
    assert picked.status_code == 201
    assert (data["category"], data["category_id"], data["department_id"]) == (
        "城市管理",
        city,
        CITY,
    )
    assert (data["area"], data["area_id"]) == ("西山街道", street)

    unknown = api_post(app, url, secret, {"topic": "x", "category_id": 999}, key="k3")
    assert unknown.status_code == 422 and "category_id" in unknown.get_data(as_text=True)
    queued = api_post(app, url, secret, {"topic": "x", "area": "某新村"}, key="k4")
    assert queued.status_code == 201 and queued.json["data"]["area_id"] is None


def test_the_api_lists_the_office_s_lists_without_aliases(client):
    categories = client.get("/api/v1/categories").get_json()["data"]
    assert {"id", "name", "department_id", "hint", "active"} == set(categories[0])
    assert any(c["name"] == "城市管理" and c["department_id"] == CITY for c in categories)
    areas = client.get("/api/v1/areas").get_json()["data"]
    assert any(a["name"] == "凤凰街道" and a["level"] == "street" for a in areas)
    assert "凤凰街道办" not in str(areas)


def test_a_deputy_code_message_picks_its_area_and_category(app, client):
    city = ids(app, Category, "城市管理")
    page = client.get("/deputies/1/message").get_data(as_text=True)
    assert 'list="message-area-options"' in page and '<option value="' + str(city) + '">' in page
    sent = client.post_form(
        "/deputies/1/message",
        {"message": "小区门口路灯坏了一个月", "area": "凤凰街道办", "category": str(city)},
    )
    assert sent.status_code == 303
    with app.app_context():
        message = db.session.scalar(select(DeputyMessage).order_by(DeputyMessage.id.desc()))
        assert message.area == "凤凰街道办"
        assert (message.area_id, message.category_id) == (ids(app, Area, "凤凰街道"), city)
