"""One rule for an account's scope (access.scope_problems): a liaison belongs
to an active department, a deputy account to an active deputy, no other
account to either. The admin's account form, its token form, `flask user
create` and the token write layer refuse the same combinations with the same
words, and accept the same ones."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from hotline.access import scope_problems
from hotline.changes import tokens
from hotline.extensions import db
from hotline.models import Department, Deputy, User

# (role, department, deputy) → the field the rule names. "active" and "gone"
# are an active and a deactivated row; None is none chosen.
BAD = {
    "liaison without a department": ("liaison", None, None, "department_id"),
    "liaison of a deactivated department": ("liaison", "gone", None, "department_id"),
    "moderator with a department": ("moderator", "active", None, "department_id"),
    "deputy account without a deputy": ("deputy", None, None, "deputy_id"),
    "deputy account of a deactivated deputy": ("deputy", None, "gone", "deputy_id"),
    "supervisor with a deputy": ("supervisor", None, "active", "deputy_id"),
    "liaison with a deputy": ("liaison", "active", "active", "deputy_id"),
}
GOOD = {
    "liaison of an active department": ("liaison", "active", None),
    "deputy account of an active deputy": ("deputy", None, "active"),
    "moderator alone": ("moderator", None, None),
}


@pytest.fixture
def rows(app):
    """The names and ids of an active and a deactivated department and deputy."""
    with app.app_context():
        gone_department = Department(name="已撤销的局", active=False)
        gone_deputy = Deputy(name="离任代表", title="", active=False)
        db.session.add_all([gone_department, gone_deputy])
        db.session.commit()
        department = db.session.scalar(select(Department).where(Department.active).limit(1))
        deputy = db.session.scalar(select(Deputy).where(Deputy.active).limit(1))
        return {
            ("department", "active"): (department.id, department.name),
            ("department", "gone"): (gone_department.id, gone_department.name),
            ("deputy", "active"): (deputy.id, deputy.name),
            ("deputy", "gone"): (gone_deputy.id, gone_deputy.name),
        }


def chosen(rows, kind: str, which: str | None):
    return rows[(kind, which)] if which else (None, None)


def english(app, role, department, deputy) -> dict:
    with app.test_request_context(), force_locale("en"):
        return {k: str(v) for k, v in scope_problems(role, department, deputy).items()}


def row(model, row_id):
    return db.session.get(model, row_id) if row_id else None


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("case", list(BAD))
def test_the_rule_names_the_field(app, rows, case):
    role, department, deputy, field = BAD[case]
    with app.app_context():
        got = english(
            app,
            role,
            row(Department, chosen(rows, "department", department)[0]),
            row(Deputy, chosen(rows, "deputy", deputy)[0]),
        )
    assert list(got) == [field]


@pytest.mark.parametrize("case", list(GOOD))
def test_the_rule_accepts(app, rows, case):
    role, department, deputy = GOOD[case]
    with app.app_context():
        department_row = row(Department, chosen(rows, "department", department)[0])
        deputy_row = row(Deputy, chosen(rows, "deputy", deputy)[0])
        assert english(app, role, department_row, deputy_row) == {}


def post_account(supervisor, rows, name, role, department, deputy):
    return supervisor.post_form(
        "/admin/users",
        {
            "username": name,
            "role": role,
            "password": "long-password",
            "department_id": chosen(rows, "department", department)[0] or "",
            "deputy_id": chosen(rows, "deputy", deputy)[0] or "",
        },
    )


def post_token(supervisor, rows, name, role, department, deputy):
    return supervisor.post_form(
        "/admin/tokens",
        {
            "name": name,
            "role": role,
            "department_id": chosen(rows, "department", department)[0] or "",
            "deputy_id": chosen(rows, "deputy", deputy)[0] or "",
        },
    )


def run_cli(runner, rows, name, role, department, deputy):
    args = ["user", "create", name, "--role", role, "--password", "long-password"]
    if department:
        args += ["--department", chosen(rows, "department", department)[1]]
    if deputy:
        args += ["--deputy", chosen(rows, "deputy", deputy)[1]]
    return runner.invoke(args=args)


@pytest.mark.parametrize("case", list(BAD))
def test_every_caller_refuses_the_same_combinations(app, rows, supervisor, runner, case):
    role, department, deputy, field = BAD[case]
    with app.app_context():
        (message,) = english(
            app,
            role,
            row(Department, chosen(rows, "department", department)[0]),
            row(Deputy, chosen(rows, "deputy", deputy)[0]),
        ).values()
    supervisor.get("/admin/?lang=en")
    before = users(app)

    account = post_account(supervisor, rows, "newone", role, department, deputy)
    assert account.status_code == 422
    assert f'<p class="error-text" role="alert" id="{field}-error">{message}</p>' in account.text

    token = post_token(supervisor, rows, "newtoken", role, department, deputy)
    assert token.status_code == 422
    assert f'<p class="error-text" role="alert" id="{field}-error">{message}</p>' in token.text

    result = run_cli(runner, rows, "newcli", role, department, deputy)
    assert result.exit_code != 0
    option = {"department_id": "--department", "deputy_id": "--deputy"}[field]
    assert f"{option}: {message}" in result.output

    with app.app_context():
        department_id = chosen(rows, "department", department)[0]
        deputy_id = chosen(rows, "deputy", deputy)[0]
        with pytest.raises(ValueError, match=field):
            tokens.create("direct", role, department_id=department_id, deputy_id=deputy_id)
        db.session.rollback()
    assert users(app) == before  # nobody, no token's account either


@pytest.mark.parametrize("case", list(GOOD))
def test_every_caller_accepts_the_same_combinations(app, rows, supervisor, runner, case):
    role, department, deputy = GOOD[case]
    assert post_account(supervisor, rows, "newone", role, department, deputy).status_code == 302
    assert post_token(supervisor, rows, "newtoken", role, department, deputy).status_code == 201
    result = run_cli(runner, rows, "newcli", role, department, deputy)
    assert result.exit_code == 0, result.output
    department_id = chosen(rows, "department", department)[0]
    deputy_id = chosen(rows, "deputy", deputy)[0]
    with app.app_context():
        for username in ("newone", "api:newtoken", "newcli"):
            user = db.session.scalar(select(User).where(User.username == username))
            assert (user.role, user.department_id, user.deputy_id) == (
                role,
                department_id,
                deputy_id,
            ), username
