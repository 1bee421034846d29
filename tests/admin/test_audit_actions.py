"""Every staff action the office may need to answer for writes one audit row,
in the same transaction as the change: accounts, departments, deputies,
withholdings, limits, and the command line's account commands."""

from __future__ import annotations

from followup.test_withhold import progress_with_a_phone
from sqlalchemy import select

from hotline.changes import audit, limits
from hotline.extensions import db
from hotline.models import AuditLog, Department, Deputy, User


def trail(app) -> list[tuple[str, str, str]]:
    """(action, actor, target) of every row but sign-ins, oldest first."""
    with app.app_context():
        found = db.session.scalars(
            select(AuditLog)
            .where(AuditLog.action.not_in([audit.SIGN_IN, audit.SIGN_IN_FAILED]))
            .order_by(AuditLog.id)
        )
        return [(r.action, r.actor_name, r.target) for r in found]


def last_detail(app) -> dict:
    with app.app_context():
        return db.session.scalar(select(AuditLog.detail).order_by(AuditLog.id.desc()).limit(1))


def get(app, model, **where):
    with app.app_context():
        return db.session.scalar(
            select(model).where(*[getattr(model, k) == v for k, v in where.items()])
        )


def test_account_create_reset_disable_enable(app, supervisor):
    housing = get(app, Department, name="市住房和城乡建设局")
    form = {"username": "newone", "role": "liaison", "password": "a-long-password"}
    supervisor.post_form("/admin/users", {**form, "department_id": str(housing.id)})
    assert trail(app) == [(audit.USER_CREATED, "office", "newone")]
    assert last_detail(app) == {"role": "liaison", "department": "市住房和城乡建设局"}
    user = get(app, User, username="newone")
    supervisor.post_form(f"/admin/users/{user.id}/password", {"password": "another-long-one"})
    supervisor.post_form(f"/admin/users/{user.id}/active", {"active": "0"})
    supervisor.post_form(f"/admin/users/{user.id}/active", {"active": "1"})
    assert [row[0] for row in trail(app)] == [
        audit.USER_CREATED,
        audit.PASSWORD_RESET,
        audit.USER_DISABLED,
        audit.USER_ENABLED,
    ]
    assert all(target == "newone" for _, _, target in trail(app))
    # The password itself is never in the trail.
    with app.app_context():
        rows = db.session.scalars(select(AuditLog)).all()
        assert not any("another-long-one" in str(r.detail) for r in rows)


def test_a_refused_form_writes_nothing(app, supervisor):
    supervisor.post_form("/admin/users", {"username": "x", "role": "liaison", "password": "s"})
    supervisor.post_form("/admin/departments", {"name": "  "})
    assert trail(app) == []


def test_departments_create_rename_deactivate_activate(app, supervisor):
    supervisor.post_form("/admin/departments", {"name": "市教育局"})
    dept = get(app, Department, name="市教育局")
    supervisor.post_form(f"/admin/departments/{dept.id}", {"name": "市教育和体育局"})
    assert last_detail(app) == {"name": ["市教育局", "市教育和体育局"]}
    supervisor.post_form(f"/admin/departments/{dept.id}/active", {"active": "0"})
    supervisor.post_form(f"/admin/departments/{dept.id}/active", {"active": "1"})
    assert trail(app) == [
        (audit.DEPARTMENT_CREATED, "office", "市教育局"),
        (audit.DEPARTMENT_CHANGED, "office", "市教育和体育局"),
        (audit.DEPARTMENT_DEACTIVATED, "office", "市教育和体育局"),
        (audit.DEPARTMENT_ACTIVATED, "office", "市教育和体育局"),
    ]


def test_deputies_create_edit_deactivate_activate(app, supervisor):
    supervisor.post_form("/admin/deputies", {"name": "李四", "title": "市人大代表"})
    deputy = get(app, Deputy, name="李四")
    supervisor.post_form(f"/admin/deputies/{deputy.id}", {"name": "李四", "title": "市人大常委"})
    assert last_detail(app) == {"title": ["市人大代表", "市人大常委"]}
    supervisor.post_form(f"/admin/deputies/{deputy.id}/active", {"active": "0"})
    supervisor.post_form(f"/admin/deputies/{deputy.id}/active", {"active": "1"})
    assert [row[0] for row in trail(app)] == [
        audit.DEPUTY_CREATED,
        audit.DEPUTY_CHANGED,
        audit.DEPUTY_DEACTIVATED,
        audit.DEPUTY_ACTIVATED,
    ]


def test_withholding_is_recorded_with_its_reason(app, liaison, supervisor):
    cid, event_id = progress_with_a_phone(app, liaison)
    supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "含群众个人信息"})
    assert trail(app) == [(audit.WITHHELD, "office", f"event {event_id}")]
    assert last_detail(app) == {"commitment": cid, "reason": "含群众个人信息"}
    # A refused second withholding writes nothing more.
    supervisor.post_form(f"/followup/events/{event_id}/withhold", {"reason": "again"})
    assert len(trail(app)) == 1


def test_limits_changes_are_recorded_old_and_new(app, supervisor):
    with app.app_context():
        current = limits.values()
    changed = dict(current)
    key = limits.LIMITS[0].key
    changed[key] = current[key] + 1
    supervisor.post_form("/admin/limits", {k: str(v) for k, v in changed.items()})
    assert trail(app) == [(audit.LIMITS_CHANGED, "office", "limits")]
    assert last_detail(app) == {key: [current[key], current[key] + 1]}
    # Saving the same values again changes nothing and records nothing.
    supervisor.post_form("/admin/limits", {k: str(v) for k, v in changed.items()})
    assert len(trail(app)) == 1


def test_the_command_line_account_commands_are_recorded(app, runner):
    args = ["user", "create", "mod2", "--role", "moderator", "--password", "long-enough-pw"]
    assert runner.invoke(args=args).exit_code == 0
    assert runner.invoke(args=["user", "disable", "mod2"]).exit_code == 0
    assert trail(app) == [
        (audit.USER_CREATED, audit.CLI, "mod2"),
        (audit.USER_DISABLED, audit.CLI, "mod2"),
    ]


def test_admin_log_lines_escape_stored_names(app, supervisor, caplog):
    """A name stored before the input rule (or by a shell) cannot forge a log line."""
    with app.app_context():
        dept = Department(name="旧部门\n2026-01-01 WARNING hotline.auth: login failed")
        db.session.add(dept)
        db.session.commit()
        dept_id = dept.id
    caplog.set_level("INFO", logger="hotline.admin")
    supervisor.post_form(f"/admin/departments/{dept_id}/active", {"active": "0"})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "hotline.admin"]
    assert "\n" not in line and "旧部门\\n2026-01-01 WARNING" in line
    (row,) = trail(app)
    assert row[2] == "旧部门\\n2026-01-01 WARNING hotline.auth: login failed"
