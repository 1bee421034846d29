"""Helpers the desk tests share: a show on air, logging and committing calls."""

from datetime import date

from sqlalchemy import func, select

from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import Call, Commitment, Show, ShowStatus

HOUSING, TRANSPORT = 1, 2  # demo department ids (市住房和城乡建设局, 市交通运输局)


def today_in(app) -> date:
    with app.app_context():
        return local_today()


def scheduled_show(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))


def go_live(client, show_id):
    response = client.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    assert response.status_code == 303
    return show_id


def log(client, show_id, **fields):
    data = {"topic": "小区路灯不亮", "area": "凤凰街道", "department": str(HOUSING)}
    data.update(fields)
    return client.post_form(f"/desk/shows/{show_id}/calls", data)


def calls_of(app, show_id):
    with app.app_context():
        return list(
            db.session.scalars(select(Call).where(Call.show_id == show_id).order_by(Call.number))
        )


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def editor_version(app, call_id) -> str:
    with app.app_context():
        return str(db.session.get(Call, call_id).version)


# --- shows -------------------------------------------------------------------------


def commit(client, call_id, **fields):
    data = {
        "commit-pledge": "30天内完成排水沟清淤",
        "commit-official_name": "周建华",
        "commit-official_title": "局长",
        "commit-department": str(HOUSING),
        "commit-deadline_preset": "30",
        "commit-idem": "c1",
    }
    data.update({f"commit-{k}": v for k, v in fields.items()})
    return client.post_form(f"/desk/calls/{call_id}/commit", data)


def demo_commitment(app, state):
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == state))
        return item.id, item.version, item.deadline
