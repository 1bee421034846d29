"""The office manages departments, deputies and staff accounts in the site;
nothing is deleted, and disabling an account ends its sessions."""

import pytest
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Department, Deputy, User


def get(app, model, **where):
    with app.app_context():
        return db.session.scalar(
            select(model).where(*[getattr(model, k) == v for k, v in where.items()])
        )


@pytest.mark.parametrize("who", ["host", "housing"])
def test_only_the_office_may_administer(app, login, who):
    c = login(who)
    assert c.get("/admin/").status_code == 403
    assert c.post_form("/admin/departments", {"name": "市教育局"}).status_code == 403
    assert get(app, Department, name="市教育局") is None


def test_anonymous_is_sent_to_sign_in(client):
    r = client.get("/admin/")
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]


def test_departments_create_rename_deactivate(app, supervisor, client):
    supervisor.get("/?lang=en")
    r = supervisor.post_form("/admin/departments", {"name": "市教育局"})
    assert r.status_code == 302
    dept = get(app, Department, name="市教育局")
    assert dept.active
    r = supervisor.post_form("/admin/departments", {"name": "市教育局"})
    assert r.status_code == 422
    assert "already exists" in r.get_data(as_text=True)
    r = supervisor.post_form("/admin/departments", {"name": "  "})
    assert r.status_code == 422
    r = supervisor.post_form(f"/admin/departments/{dept.id}", {"name": "市教育局（新）"})
    assert r.status_code == 302
    assert get(app, Department, id=dept.id).name == "市教育局（新）"
    supervisor.post_form(f"/admin/departments/{dept.id}/active", {"active": "0"})
    assert get(app, Department, id=dept.id).active is False
    assert "市教育局（新）" not in client.get("/departments").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Department.id))) == 6  # none deleted


def test_deputies_create_edit_deactivate(app, supervisor):
    supervisor.post_form("/admin/deputies", {"name": "郑红", "title": "市人大代表，教师"})
    deputy = get(app, Deputy, name="郑红")
    assert deputy.title == "市人大代表，教师"
    supervisor.post_form(f"/admin/deputies/{deputy.id}", {"name": "郑红", "title": "市人大代表"})
    assert get(app, Deputy, id=deputy.id).title == "市人大代表"
    assert supervisor.post_form(f"/admin/deputies/{deputy.id}", {"name": ""}).status_code == 422
    supervisor.post_form(f"/admin/deputies/{deputy.id}/active", {"active": "0"})
    assert get(app, Deputy, id=deputy.id).active is False


def test_staff_accounts_create_reset_disable(app, supervisor):
    supervisor.get("/?lang=en")
    housing = get(app, Department, name="市住房和城乡建设局")
    bad = supervisor.post_form(
        "/admin/users",
        {"username": "newone", "role": "liaison", "password": "short"},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "A liaison belongs to an active department." in html
    assert "at least 10 characters" in html
    assert get(app, User, username="newone") is None

    r = supervisor.post_form(
        "/admin/users",
        {
            "username": "newone",
            "display_name": "住建局 新联络员",
            "role": "liaison",
            "department_id": str(housing.id),
            "password": "a-long-password",
        },
    )
    assert r.status_code == 302
    user = get(app, User, username="newone")
    assert user.role == "liaison" and user.department_id == housing.id

    # The new account signs in; a password reset ends its sessions.
    session = app.test_client()
    session.login("newone", "a-long-password")
    assert session.get("/followup/").status_code == 200
    supervisor.post_form(f"/admin/users/{user.id}/password", {"password": "another-long-one"})
    assert session.get("/followup/").status_code == 302
    session.login("newone", "another-long-one")
    assert session.get("/followup/").status_code == 200

    # Disabling ends the session at once and blocks sign-in; nothing is deleted.
    supervisor.post_form(f"/admin/users/{user.id}/active", {"active": "0"})
    assert session.get("/followup/").status_code == 302
    r = session.post_form("/auth/login", {"username": "newone", "password": "another-long-one"})
    assert r.status_code != 302
    assert get(app, User, username="newone").active is False


def test_the_office_cannot_disable_itself(app, supervisor):
    me = get(app, User, username="office")
    r = supervisor.post_form(f"/admin/users/{me.id}/active", {"active": "0"})
    assert r.status_code == 422
    assert get(app, User, username="office").active
