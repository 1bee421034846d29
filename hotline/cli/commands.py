"""Command line: demo data, staff accounts, first-run set-up."""

from __future__ import annotations

import signal

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import select

from ..access import scope_problems
from ..actions import reminders
from ..changes import audit, factors, lockout
from ..clock import today
from ..extensions import db
from ..forms.passwords import reasons_in_words
from ..integration import mail
from ..models import Department, Deputy, Role, User
from ..realtime import live, pushes
from . import backup, demo
from .notifications import notify_command


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(user_group)
    app.cli.add_command(remind_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(deliver_command)
    app.cli.add_command(notify_command)


def _print_logins(accounts: dict[str, str]) -> None:
    click.echo(f"Demo staff accounts (password for all: {demo.DEMO_PASSWORD}):")
    for username, role in accounts.items():
        click.echo(f"  {username:<10} {role}")
    _print_second_factors()


def _print_second_factors() -> None:
    """The demo's public authenticator-app secrets, for the accounts that have one."""
    found = demo.second_factors()
    if not found:
        return
    click.echo("Second factor, asked for after the password (demo only: these secrets are public):")
    for username, (secret, uri) in found.items():
        click.echo(f"  {username:<10} authenticator app secret {secret}")
        click.echo(f"  {'':<10} {uri}")
        click.echo(
            f"  {'':<10} current code: .venv/bin/python -c "
            f"\"import pyotp; print(pyotp.TOTP('{secret}').now())\""
        )


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data into an empty database."""
    if not demo.is_empty():
        raise click.ClickException(
            "The database already has data; demo data goes only into an empty one."
        )
    accounts = demo.load(today(), current_app.config["HOTLINE_TIMEZONE"])
    _print_logins(accounts)


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Apply migrations, and load the demo data when the database is empty."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    if demo.is_empty():
        accounts = demo.load(today(), current_app.config["HOTLINE_TIMEZONE"])
        click.echo("Loaded the demo data.")
        _print_logins(accounts)
    else:
        click.echo("Database ready (existing data kept).")
        click.echo(f"Demo accounts, if you loaded the demo: password {demo.DEMO_PASSWORD}")
        _print_second_factors()


user_group = AppGroup("user", help="Create, reset, unlock and disable staff accounts.")


def _check_password(password: str, username: str) -> None:
    """The policy the office's page applies, with the same messages (in English)."""
    with current_app.test_request_context(), force_locale("en"):
        found = reasons_in_words(password, username)
    if found:
        raise click.ClickException(" ".join(found))


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


# The form fields the account rule names, as this command's options.
OPTIONS = {"department_id": "--department", "deputy_id": "--deputy"}


def _named(model, name: str, what: str):
    row = db.session.scalar(select(model).where(model.name == name).order_by(model.id).limit(1))
    if row is None:
        names = ", ".join(db.session.scalars(select(model.name).order_by(model.id)))
        raise click.ClickException(f"No {what} {name!r}. Known: {names}")
    return row


@user_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--department", help="Department name (required for a liaison).")
@click.option("--deputy", help="Deputy's name (required for a deputy account).")
@click.option("--name", "display_name", default="", help="Name shown to other staff.")
@click.password_option(help="Prompted for when not given.")
def user_create(username, role, department, deputy, display_name, password) -> None:
    """Create a staff account."""
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"User {username!r} already exists.")
    dept = _named(Department, department, "department") if department else None
    person = _named(Deputy, deputy, "deputy") if deputy else None
    # The same rule as the admin's account form; the command line speaks English.
    with force_locale("en"):
        problems = [
            f"{OPTIONS[field]}: {message}"
            for field, message in scope_problems(role, dept, person).items()
        ]
    if problems:
        raise click.ClickException(" ".join(problems))
    _check_password(password, username)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        department=dept,
        deputy_id=person.id if person else None,
    )
    user.set_password(password)
    db.session.add(user)
    detail = {"role": role, "department": dept.name if dept else ""}
    audit.record(audit.CLI, audit.USER_CREATED, username, detail)
    db.session.commit()
    click.echo(f"Created {role} {username}.")


@user_group.command("password")
@click.argument("username")
@click.password_option(help="Prompted for when not given.")
def user_password(username, password) -> None:
    """Set a new password for an account and end all its sessions."""
    user = _user(username)
    _check_password(password, username)
    user.set_password(password)
    audit.record(audit.CLI, audit.PASSWORD_RESET, username)
    db.session.commit()
    live.sign_out_everywhere(user.id)
    click.echo(f"New password set for {username}; their sessions have ended.")


@user_group.command("unlock")
@click.argument("username")
def user_unlock(username) -> None:
    """Lift the lock that failed sign-ins put on an account."""
    until = lockout.unlock(username, audit.CLI)
    db.session.commit()
    click.echo(f"Unlocked {username}." if until else f"{username} was not locked.")


@user_group.command("disable")
@click.argument("username")
def user_disable(username) -> None:
    """Disable an account and end all its sessions."""
    user = _user(username)
    user.active = False
    user.rotate_sessions()
    audit.record(audit.CLI, audit.USER_DISABLED, username)
    db.session.commit()
    live.sign_out_everywhere(user.id)  # reaches the servers through the message queue
    click.echo(f"Disabled {username}; their sessions have ended.")


@user_group.command("reset-factors")
@click.argument("username")
def user_reset_factors(username) -> None:
    """Remove an account's second factors and recovery codes (it sets one up
    again at its next sign-in if its role requires one); ends its sessions."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    count = factors.reset(user, audit.CLI)
    db.session.commit()
    live.sign_out_everywhere(user.id)
    click.echo(f"Removed {count} second factor(s) of {username}; their sessions have ended.")


@click.command("remind")
@click.option(
    "--days",
    default=7,
    show_default=True,
    type=click.IntRange(0, 366),
    help="Also list items due within N days.",
)
@with_appcontext
def remind_command(days) -> None:
    """List each department's overdue items and those due soon; with SMTP_HOST
    set, e-mail each department its list (to its own address and HOTLINE_REMIND_TO)."""
    config = current_app.config
    day = today()
    # No request here: write in the site's default language (the office reads it).
    with current_app.test_request_context(), force_locale(config["BABEL_DEFAULT_LOCALE"]):
        written = reminders.escalate(day)
        for item in {item.id: item for _kind, item in written}.values():
            pushes.commitment_changed(item)
        kinds = [kind for kind, _item in written]
        click.echo(
            f"Wrote {kinds.count('reminded')} reminders (催办) and "
            f"{kinds.count('noticed')} public notices (通报) for {day.isoformat()}; "
            f"{kinds.count('milestone_missed')} milestones newly missed."
        )
        found = reminders.reminders(day, days)
        if not found:
            click.echo(f"Nothing overdue or due within {days} days ({day.isoformat()}).")
            return
        for _name, text in found:
            click.echo(text)
            click.echo("")
        if not mail.configured():
            return
        departments = {d.name: d for d in db.session.scalars(select(Department))}
        try:
            sent = reminders.mail_reminders(found, departments)
        except reminders.NoAddress as missing:
            raise click.ClickException(
                f"No address for {missing}: set its e-mail in the admin, or HOTLINE_REMIND_TO."
            ) from None
    for name, to in sent:
        click.echo(f"E-mailed {name} to {', '.join(to)}.")


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path) -> None:
    """Copy the live SQLite database and the evidence files to PATH (a new
    folder, or a file ending in .tar.gz), while the site keeps running."""
    config = current_app.config
    try:
        manifest = backup.make(
            config["SQLALCHEMY_DATABASE_URI"], config["HOTLINE_UPLOAD_DIR"], path
        )
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows, tables = sum(manifest["tables"].values()), len(manifest["tables"])
    click.echo(
        f"Backed up to {path}: {rows} rows in {tables} tables, "
        f"{manifest['evidence_files']} evidence files, "
        f"integrity_check {manifest['integrity_check']}."
    )


@click.command("restore")
@click.argument("path")
@click.option("--force", is_flag=True, help="Replace a database that already has data.")
@with_appcontext
def restore_command(path, force) -> None:
    """Bring back a backup made by `flask backup` (folder or .tar.gz), then apply
    the migrations. Stop the site first when replacing a database with --force."""
    config = current_app.config
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the file while it is replaced
    try:
        result = backup.restore(
            config["SQLALCHEMY_DATABASE_URI"], config["HOTLINE_UPLOAD_DIR"], path, force=force
        )
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(
        f"Restored {result['database']} ({result['evidence_files']} evidence files, "
        f"integrity_check {result['integrity_check']})."
    )


@click.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering (every --interval seconds).")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.5, 3600))
@with_appcontext
def deliver_command(loop, interval) -> None:
    """Send the webhook deliveries that are due (and announce overdue items),
    retrying failed ones with backoff; every attempt is recorded. With --loop,
    woken at once through Redis when HOTLINE_MESSAGE_QUEUE is set."""
    from ..integration import webhook_queue, webhooks

    app = current_app._get_current_object()

    def ready():
        woken = f"Redis list {webhook_queue.list_key(app)}" if webhook_queue.enabled(app) else None
        click.echo(
            f"Webhook worker: pending deliveries sent; now waiting (at most {interval:g} s"
            + (f", or until {woken} announces one)." if woken else ").")
        )

    stop = webhooks.Stop()
    signal.signal(signal.SIGTERM, stop.ask)
    webhooks.run(app, interval, once=not loop, ready=ready, stop=stop)
