"""Anyone can follow an item, a department, a deputy or an area by e-mail,
without an account: double opt-in, one-click unsubscribe (RFC 8058), at each
change or in a daily digest; the item shows how many follow it. A real SMTP
server on loopback receives what is sent (tests/fixtures/servers.py)."""

import re

from notifications_support import body, links_in, local_moment, progress, rows, run_worker
from sqlalchemy import select

from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Notification, NotificationKind, Subscription

FAN = "fan@example.cn"


def open_item(app) -> Commitment:
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == "open").limit(1))
        db.session.expunge(item)
        return item


def follow(client, kind, target=None, area="", email=FAN, how="now"):
    data = {"kind": kind, "email": email, "how": how, "area": area}
    if target is not None:
        data["target"] = str(target)
    return client.post_form("/follow", data)


def confirm_link(app, email=FAN) -> str:
    run_worker(app, local_moment(app, 10))
    mails = [m for m in app.inbox.to(email) if "/follow/confirm/" in body(m)]
    assert len(mails) == 1
    return next(u for u in links_in(body(mails[0])) if "/follow/confirm/" in u)


def followers_shown(client, item_id) -> int:
    page = client.get(f"/commitments/{item_id}").get_data(as_text=True)
    return int(re.search(r'data-followers="(\d+)"', page).group(1))


def test_double_opt_in_then_each_change_then_one_click_unsubscribe(notify_app):
    app, inbox = notify_app, notify_app.inbox
    client = app.test_client()
    item = open_item(app)
    page = client.get(f"/commitments/{item.id}?lang=en").get_data(as_text=True)
    assert 'id="follow"' in page and "Follow by e-mail" in page
    assert followers_shown(client, item.id) == 0
    answer = follow(client, "commitment", item.id)
    assert answer.status_code == 200 and 'data-follow="asked"' in answer.get_data(True)
    # Nothing but the confirmation before it is confirmed.
    progress(app, item.id)
    link = confirm_link(app)
    assert len(inbox.to(FAN)) == 1 and followers_shown(client, item.id) == 0
    confirmed = client.get(link.replace("https://hotline.test", ""))
    assert 'data-notifications="confirmed"' in confirmed.get_data(True)
    assert followers_shown(client, item.id) == 1
    progress(app, item.id, note="第二步")
    run_worker(app, local_moment(app, 11))
    told = inbox.to(FAN)[1:]
    assert len(told) == 1
    message = told[0]
    assert f"https://hotline.test/commitments/{item.id}" in body(message)
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://hotline.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no token.
    plain = app.test_client()
    answer = plain.post(
        unsubscribe.replace("https://hotline.test", ""), data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    progress(app, item.id, note="第三步")
    run_worker(app, local_moment(app, 12))
    assert len(inbox.to(FAN)) == 2 and followers_shown(client, item.id) == 0


def test_a_wrong_link_confirms_nothing_and_the_stop_page_asks_before_stopping(notify_app):
    app = notify_app
    client = app.test_client()
    item = open_item(app)
    follow(client, "commitment", item.id)
    link = confirm_link(app).replace("https://hotline.test", "")
    assert client.get(link[:-2] + "xx").status_code == 404
    with app.app_context():
        sub = db.session.scalar(select(Subscription).where(Subscription.email == FAN))
        assert sub.confirmed_at is None
        token = sub.token
    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "<form" in page  # a link scanner's GET stops nothing
    with app.app_context():
        assert (
            db.session.scalar(select(Subscription.stopped_at).where(Subscription.email == FAN))
            is None
        )
    assert client.get("/unsubscribe/not-a-token").status_code == 404


def test_the_follow_form_needs_the_csrf_token_and_is_rate_limited(notify_app):
    app = notify_app
    app.config["HOTLINE_NOTIFY_FOLLOW_LIMIT"] = "2 per hour"
    client = app.test_client()
    item = open_item(app)
    refused = client.post("/follow", data={"kind": "commitment", "target": item.id, "email": FAN})
    assert refused.status_code == 400
    assert follow(client, "commitment", item.id, email="a@example.cn").status_code == 200
    assert follow(client, "commitment", item.id, email="b@example.cn").status_code == 200
    third = follow(client, "commitment", item.id, email="c@example.cn")
    assert third.status_code == 429 and "Retry-After" in third.headers
    assert follow(client, "commitment", 999999).status_code == 404


def test_a_department_deputy_or_area_follower_hears_of_their_items(notify_app):
    app = notify_app
    client = app.test_client()
    item = open_item(app)
    with app.app_context():
        full = db.session.get(Commitment, item.id)
        deputy_id, area = full.call.deputy_id, full.call.area
    follow(client, "department", item.department_id, email="dept@example.cn")
    follow(client, "area", area=area, email="area@example.cn")
    if deputy_id:
        follow(client, "deputy", deputy_id, email="deputy@example.cn")
    run_worker(app, local_moment(app, 9))
    for mail in list(app.inbox):
        link = next(u for u in links_in(body(mail)) if "/follow/confirm/" in u)
        client.get(link.replace("https://hotline.test", ""))
    progress(app, item.id)
    run_worker(app, local_moment(app, 10))
    addresses = ["dept@example.cn", "area@example.cn"] + (
        ["deputy@example.cn"] if deputy_id else []
    )
    for address in addresses:
        assert len(app.inbox.to(address)) == 2, address  # the confirmation and the change
        assert f"/commitments/{item.id}" in body(app.inbox.to(address)[1])


def test_a_daily_digest_arrives_once_even_if_run_twice(notify_app):
    app = notify_app
    client = app.test_client()
    item = open_item(app)
    follow(client, "commitment", item.id, how="daily")
    client.get(confirm_link(app).replace("https://hotline.test", ""))
    progress(app, item.id, note="第一步")
    progress(app, item.id, note="第二步", percent=60)
    run_worker(app, local_moment(app, 10))
    assert len(app.inbox.to(FAN)) == 1  # no e-mail per change: only the confirmation
    with app.app_context():
        day = today()
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["notify", "--digest", "--day", day.isoformat()])
        assert result.exit_code == 0, result.output
    digests = app.inbox.to(FAN)[1:]
    assert len(digests) == 1
    text = body(digests[0])
    assert text.count(f"/commitments/{item.id}") == 2  # both changes of the day
    assert digests[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(rows(app, kind=NotificationKind.DIGEST)) == 1


def test_messages_to_followers_carry_no_callers_details(notify_app):
    from hotline.models import CallerContact

    app = notify_app
    client = app.test_client()
    item = open_item(app)
    with app.app_context():
        contact = db.session.get(CallerContact, item.call_id)
        if contact is None:
            contact = CallerContact(call_id=item.call_id)
            db.session.add(contact)
        contact.name, contact.phone, contact.email = "私密姓名甲", "19900001234", "p@private.cn"
        db.session.commit()
    follow(client, "commitment", item.id)
    client.get(confirm_link(app).replace("https://hotline.test", ""))
    progress(app, item.id)
    run_worker(app, local_moment(app, 10))
    for mail in app.inbox:
        text = body(mail) + str(mail["Subject"]) + str(mail)
        for secret in ("私密姓名甲", "19900001234", "p@private.cn"):
            assert secret not in text


def _follow_by_link(client, page_url: str, kind: str, email: str, near: str = "") -> str:
    """Open `page_url`, take its (first after `near`) follow link of `kind` and
    send the form it leads to, as a reader would; the name the form shows."""
    page = client.get(page_url).get_data(as_text=True)
    page = page[page.index(near) :]
    href = re.search(rf'href="([^"]+)" data-follow-link="{kind}"', page)
    assert href, f"no follow link for the {kind} on {page_url}"
    form_page = client.get(href.group(1).replace("&amp;", "&"))
    assert form_page.status_code == 200
    text = form_page.get_data(as_text=True)
    name = re.search(r'id="follow-heading">[^<]*: ([^<]+)</h2>', text).group(1)
    hidden = dict(re.findall(r'<input[^>]*name="(kind|target|area)"[^>]*value="([^"]*)"', text))
    answer = follow(
        client, hidden["kind"], hidden.get("target") or None, hidden.get("area", ""), email
    )
    assert 'data-follow="asked"' in answer.get_data(as_text=True)
    return name


def test_the_department_deputy_and_area_pages_link_to_their_follow_form(notify_app):
    from hotline.models import Call, Department, Deputy

    app, client = notify_app, notify_app.test_client()
    with app.app_context():
        department = db.session.scalar(select(Department).where(Department.active).limit(1))
        deputy = db.session.scalar(select(Deputy).where(Deputy.active).limit(1))
        item = db.session.scalar(
            select(Commitment)
            .join(Call, Commitment.call_id == Call.id)
            .where(Call.area != "")
            .limit(1)
        )
        names = (department.name, deputy.name, item.call.area)
        ids = (department.id, deputy.id, item.id)
    assert (
        _follow_by_link(
            client, "/departments", "department", "d@example.cn", f'id="department-{ids[0]}"'
        )
        == names[0]
    )
    board = f"/?department={ids[0]}"
    assert _follow_by_link(client, board, "department", "b@example.cn") == names[0]
    assert _follow_by_link(client, f"/deputies/{ids[1]}", "deputy", "p@example.cn") == names[1]
    assert _follow_by_link(client, f"/commitments/{ids[2]}", "area", "a@example.cn") == names[2]
    with app.app_context():
        made = db.session.execute(
            select(Subscription.email, Subscription.kind, Subscription.target_id, Subscription.area)
        ).all()
    assert set(made) >= {
        ("d@example.cn", "department", ids[0], ""),
        ("b@example.cn", "department", ids[0], ""),
        ("p@example.cn", "deputy", ids[1], ""),
        ("a@example.cn", "area", None, names[2]),
    }


def test_asking_again_sends_a_new_confirmation_once_the_first_is_gone(notify_app):
    """A lost or expired confirmation is not the end: asking again (another day)
    sends a new one; asking twice while one waits sends one."""
    app, inbox = notify_app, notify_app.inbox
    client = app.test_client()
    item = open_item(app)
    assert follow(client, "commitment", item.id).status_code == 200
    assert follow(client, "commitment", item.id).status_code == 200  # one still waits
    confirm_link(app)  # exactly one mail
    with app.app_context():
        kept = db.session.scalars(select(Notification).where(Notification.kind == "confirm"))
        for row in kept:  # as if it was sent yesterday
            row.key = row.key.rsplit(":", 1)[0] + ":2000-01-01"
        db.session.commit()
    assert follow(client, "commitment", item.id).status_code == 200
    run_worker(app, local_moment(app, 11))
    confirmations = [m for m in inbox.to(FAN) if "/follow/confirm/" in body(m)]
    assert len(confirmations) == 2


def test_only_an_area_the_record_names_can_be_followed(notify_app):
    """The area's words go into the confirmation e-mail: a stranger's text is refused."""
    client = notify_app.test_client()
    answer = follow(client, "area", area="请点击 http://example.invalid 领取补贴")
    assert answer.status_code == 404
    run_worker(notify_app, local_moment(notify_app, 10))
    assert notify_app.inbox.to(FAN) == []
