"""The office reads the audit trail in the admin: only the office, filtered by
who, what and when, newest first, paged, and downloadable as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog


def seed(app, rows: list[tuple[str, str, str, datetime]]) -> None:
    """(actor, action, target, UTC time) rows, written as the app would."""
    with app.test_request_context():
        for actor, action, target, when in rows:
            audit.record(actor, action, target).created_at = when
        db.session.commit()


def table_rows(html: str) -> list[list[str]]:
    body = html.split('<table id="audit-trail">', 1)[1].split("</tbody>", 1)[0]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        found.append(
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
        )
    return [row for row in found if len(row) == 6]  # not the "no entries" row


@pytest.mark.parametrize("who", ["host", "housing"])
def test_only_the_office_reads_the_trail(login, who):
    c = login(who)
    assert c.get("/admin/audit").status_code == 403
    assert c.get("/admin/audit?format=csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    for url in ("/admin/audit", "/admin/audit?format=csv"):
        r = client.get(url)
        assert r.status_code == 302 and "/auth/login" in r.headers["Location"]


def test_the_office_sees_its_actions_newest_first(app, supervisor):
    supervisor.get("/?lang=en")
    supervisor.post_form("/admin/departments", {"name": "市教育局"})
    html = supervisor.get("/admin/audit").text
    rows = table_rows(html)
    assert rows[0][1:4] == ["office", "Department created", "市教育局"]
    assert rows[1][1:3] == ["office", "Signed in"]
    assert rows[0][5] == "127.0.0.1"
    assert "/admin/audit" in supervisor.get("/admin/").text  # linked from the admin


def test_filters_by_actor_action_and_local_dates(app, supervisor):
    supervisor.get("/?lang=en")
    seed(
        app,
        [
            ("alice", audit.USER_CREATED, "a1", datetime(2026, 3, 1, 15, 0)),  # 3-01 23:00 local
            ("alice", audit.USER_DISABLED, "a2", datetime(2026, 3, 1, 16, 30)),  # 3-02 00:30 local
            ("bob", audit.USER_CREATED, "b1", datetime(2026, 3, 2, 2, 0)),
            ("bob", audit.WITHHELD, "b2", datetime(2026, 3, 5, 2, 0)),
        ],
    )

    def targets(query: str) -> list[str]:
        r = supervisor.get("/admin/audit?" + query)
        assert r.status_code == 200
        return [row[3] for row in table_rows(r.text)]

    assert targets("actor=alice") == ["a2", "a1"]
    assert targets("action=user_created") == ["b1", "a1"]
    assert targets("actor=bob&action=user_created") == ["b1"]
    # Dates are the deployment's (Asia/Shanghai) calendar days, both ends included.
    assert targets("since=2026-03-02&until=2026-03-02") == ["b1", "a2"]
    assert targets("actor=nobody") == []
    assert "No entries match these filters." in supervisor.get("/admin/audit?actor=x").text
    # Unreadable filters are said and ignored, never a 500.
    r = supervisor.get("/admin/audit?action=drop+table&since=yesterday&page=-3")
    assert r.status_code == 200
    assert "Unknown action" in r.text and "YYYY-MM-DD" in r.text


def test_the_trail_is_paged(app, supervisor):
    supervisor.get("/?lang=en")
    seed(
        app,
        [("bulk", audit.PASSWORD_RESET, f"u{i}", datetime(2026, 3, 1, 0, i)) for i in range(55)],
    )
    first = supervisor.get("/admin/audit?actor=bulk")
    assert [row[3] for row in table_rows(first.text)][:2] == ["u54", "u53"]
    assert len(table_rows(first.text)) == 50 and "Page 1 of 2" in first.text
    assert 'rel="next"' in first.text
    second = supervisor.get("/admin/audit?actor=bulk&page=2")
    assert [row[3] for row in table_rows(second.text)] == ["u4", "u3", "u2", "u1", "u0"]


def test_the_trail_downloads_as_csv_with_the_same_filters(app, supervisor):
    seed(
        app,
        [
            ("alice", audit.USER_CREATED, '=HYPERLINK("x")', datetime(2026, 3, 1, 1, 0)),
            ("bob", audit.USER_CREATED, "b1", datetime(2026, 3, 2, 1, 0)),
        ],
    )
    r = supervisor.get("/admin/audit?format=csv&actor=alice")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0] == ["time", "actor", "action", "target", "detail", "address"]
    assert len(table) == 2
    time, actor, action, target, _detail, _address = table[1]
    assert time.startswith("2026-03-01T09:00:00") and actor == "alice"
    assert action == "user_created"
    assert not target.startswith("=")  # a spreadsheet does not run it
    # The full trail is downloadable too (not only one page).
    everything = list(
        csv.reader(io.StringIO(supervisor.get("/admin/audit?format=csv").data.decode("utf-8-sig")))
    )
    with app.app_context():
        assert len(everything) - 1 == db.session.query(AuditLog).count()


def test_changes_made_with_an_api_token_are_named_in_the_reader_language(
    app, supervisor, live_show
):
    from api_support import api_post, make_token

    secret = make_token(app, "phones", "moderator")
    logged = api_post(app, f"/api/v1/shows/{live_show}/calls", secret, {"topic": "接口来电"})
    assert logged.status_code == 201
    call_id = logged.json["data"]["id"]
    version = logged.json["data"]["version"]
    answered = api_post(
        app,
        f"/api/v1/calls/{call_id}/answer",
        secret,
        {"answer_text": "已经安排维修", "answered_by": "住建局", "version": version},
    )
    assert answered.status_code == 200, answered.json

    rows = table_rows(supervisor.get("/admin/audit").text)
    actions = [row[2] for row in rows if row[1] == "api:phones"]
    assert actions[:2] == ["现场答复（经接口）", "登记来电（经接口）"]
    assert "创建接口令牌" in [row[2] for row in rows]  # the token itself

    supervisor.get("/?lang=en")
    rows = table_rows(supervisor.get("/admin/audit").text)
    actions = [row[2] for row in rows if row[1] == "api:phones"]
    assert actions[:2] == ["Answered on air (through the API)", "Call logged (through the API)"]
    assert not any(row[2].startswith("api_") for row in rows)

    # The office can pick them out: the filter offers each, and narrows to it.
    page = supervisor.get("/admin/audit").text
    assert '<option value="api_call_logged"' in page and '<option value="api_token_created"' in page
    picked = supervisor.get("/admin/audit?action=api_call_answered").text
    assert "Unknown action" not in picked
    assert [row[2] for row in table_rows(picked)] == ["Answered on air (through the API)"]


def test_every_action_the_api_records_can_be_filtered(supervisor):
    """Each write the API offers records an action the office's filter knows:
    one for every desk write and every follow-up action, and the tokens'."""
    from hotline.actions.followup import ACTIONS as FOLLOWUP

    supervisor.get("/?lang=en")
    page = supervisor.get("/admin/audit").text
    select = page.split('<select id="audit-action"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]*)<', select)
    offered = dict(options)
    # Each is named in words, never by its code.
    assert all(label.strip() and label.strip() != value for value, label in options)
    for name in FOLLOWUP:
        assert audit.api_action(name) in offered, name
    # And the notifications' own: a contact corrected, a 退订 reply.
    assert {"contact_corrected", "sms_stopped"} <= set(offered)
    for action in (*audit.API_DESK, "api_token_created", "api_token_revoked"):
        assert action in offered
        assert "Unknown action" not in supervisor.get(f"/admin/audit?action={action}").text
