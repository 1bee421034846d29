"""The command line: demo data and staff accounts."""

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Commitment, Department, Show, User


def test_demo_fills_an_empty_database_and_prints_logins(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "host" in result.output and "hotline-demo" in result.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count(Department.id))) >= 4
        assert db.session.scalar(select(func.count(Show.id))) == 4
        assert db.session.scalar(select(func.count(Commitment.id))) >= 15


def test_demo_refuses_a_database_with_data(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "empty" in result.output


def test_user_create_liaison(app, runner):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "newliaison",
            "--role",
            "liaison",
            "--department",
            "市交通运输局",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "newliaison"))
        assert user.role == "liaison" and user.department.name == "市交通运输局"
    app.test_client().login("newliaison", "long-enough-pw")


def test_user_create_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["user", "create", "mod2", "--role", "moderator"], input="s3cret-pass\ns3cret-pass\n"
    )
    assert result.exit_code == 0, result.output
    app.test_client().login("mod2", "s3cret-pass")


def test_user_create_errors_are_clear(runner):
    cases = [
        (
            ["user", "create", "x1", "--role", "liaison", "--password", "longpassword"],
            "--department",
        ),
        (
            [
                "user",
                "create",
                "x2",
                "--role",
                "liaison",
                "--department",
                "不存在的局",
                "--password",
                "longpassword",
            ],
            "No department",
        ),
        (
            ["user", "create", "host", "--role", "moderator", "--password", "longpassword"],
            "already exists",
        ),
        (["user", "create", "x3", "--role", "moderator", "--password", "short"], "10 characters"),
        (["user", "create", "x4", "--role", "wizard", "--password", "longpassword"], "wizard"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_user_disable_unknown(runner):
    result = runner.invoke(args=["user", "disable", "nobody"])
    assert result.exit_code != 0 and "No user" in result.output
