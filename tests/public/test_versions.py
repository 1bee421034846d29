"""Verification codes (核验码): every card on the overlay (fetched and pushed),
every rundown item and every row of a printed list carries a code, and
/v/<code> shows the record exactly as it was shown then, with a link to it as
it is now and a note when it has changed since. The same version always has
the same code; an extension makes a new one and leaves the old one telling
the old deadline. Codes cost no query per row of a list."""

from __future__ import annotations

import re
from datetime import timedelta

from desk_support import calls_of, commit, today_in
from followup_support import load, make_commitment, submit
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import ClaimVersion, Commitment, Show, ShowStatus

CODE = re.compile(r'data-version-code="([0-9A-Z]{7})"')


def year(app) -> int:
    return today_in(app).year


def list_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def code_of_row(client, kind: str, period, href: str) -> str:
    """The code printed on the row of a list that links to `href`."""
    html = client.get(f"/lists/{kind}?period={period}&lang=en").get_data(as_text=True)
    row = next(r for r in list_rows(html) if f'href="{href}"' in r)
    return CODE.search(row).group(1)


def version_page(client, code: str) -> str:
    response = client.get(f"/v/{code}?lang=en")
    assert response.status_code == 200, code
    return response.get_data(as_text=True)


def field(html: str, name: str) -> str:
    match = re.search(rf'<dd data-field="{name}"[^>]*>(.*?)</dd>', html, re.S)
    assert match, f"no {name} on the page"
    return match.group(1)


def rows_in_db(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ClaimVersion.id)))


def test_every_row_of_every_printed_list_has_a_code_that_opens_it(app, client):
    period = year(app)
    for kind in ("suggestions", "assignments", "results"):
        html = client.get(f"/lists/{kind}?period={period}&lang=en").get_data(as_text=True)
        rows = list_rows(html)
        codes = [CODE.search(r).group(1) for r in rows]
        assert len(rows) > 5 and len(set(codes)) == len(rows), kind
        assert "http://localhost/v/" in html  # where to check one, printed with the list
        # The row's code opens the record of that row.
        first = rows[0]
        page = version_page(client, codes[0])
        if kind == "suggestions":
            topic = re.findall(r"<td[^>]*>(?:<a[^>]*>)?([^<]*)", first)[4]
            assert field(page, "topic") == topic
        else:
            commitment_id = re.search(r'href="/commitments/(\d+)"', first).group(1)
            assert f"Commitment #{commitment_id}" in page or f"Referral #{commitment_id}" in page
            assert f'href="/commitments/{commitment_id}"' in page
        # The CSV carries the same codes, as shown (K7Q-M2XD).
        csv_text = client.get(f"/lists/{kind}?period={period}&format=csv").get_data(as_text=True)
        assert f"{codes[0][:3]}-{codes[0][3:]}" in csv_text


def test_the_same_version_always_has_the_same_code(app, client):
    period = year(app)
    first = client.get(f"/lists/assignments?period={period}").get_data(as_text=True)
    issued = rows_in_db(app)
    again = client.get(f"/lists/assignments?period={period}&lang=en").get_data(as_text=True)
    results = client.get(f"/lists/results?period={period}").get_data(as_text=True)
    assert CODE.findall(first) == CODE.findall(again) == CODE.findall(results)
    assert rows_in_db(app) == issued  # nothing issued twice


def test_an_extension_gives_a_new_code_and_the_old_one_keeps_the_old_deadline(
    app, client, liaison, supervisor
):
    cid = make_commitment(app, days=5)
    period, href = year(app), f"/commitments/{cid}"
    old_deadline = load(app, cid).deadline
    old = code_of_row(client, "assignments", period, href)
    page = version_page(client, old)
    assert field(page, "deadline") == old_deadline.isoformat()
    assert 'id="version-current"' in page and "changed since" not in page

    new_deadline = old_deadline + timedelta(days=30)
    submit(
        liaison, cid, "extension", new_deadline=new_deadline.isoformat(), reason="施工队伍不足。"
    )
    submit(supervisor, cid, "decision", decision="grant", reason="理由充分，同意延期。")
    assert load(app, cid).deadline == new_deadline

    new = code_of_row(client, "assignments", period, href)
    assert new != old
    # The old code still shows what was printed, says it changed, and links to it now.
    page = version_page(client, old)
    assert field(page, "deadline") == old_deadline.isoformat()
    assert "This record has changed since." in page
    assert re.search(rf'<a href="{href}" id="version-now">See it as it is now</a>', page)
    assert re.search(r"<dt>Deadline <span class=\"version-changed-mark\">", page)
    # The new code shows the extended deadline beside the original one.
    page = version_page(client, new)
    assert field(page, "deadline") == new_deadline.isoformat()
    assert field(page, "original_deadline") == old_deadline.isoformat()
    assert 'id="version-current"' in page
    # In Chinese too.
    chinese = client.get(f"/v/{old}?lang=zh_CN").get_data(as_text=True)
    assert "此后已有变动" in chinese and "核验码" in chinese


def test_codes_are_read_in_any_case_with_or_without_the_dash(app, client):
    html = client.get(f"/lists/suggestions?period={year(app)}").get_data(as_text=True)
    code = CODE.search(html).group(1)
    shown = version_page(client, code)
    for typed in (code.lower(), f"{code[:3]}-{code[3:]}", f"{code[:3]}-{code[3:]}".lower()):
        # Alike but for the addresses that name the page (and the elder-mode link's).
        expected = shown.replace(f"/v/{code}?", f"/v/{typed}?")
        assert version_page(client, typed) == expected.replace(
            f'next=/v/{code}"', f'next=/v/{typed}"'
        )
    # The lookup form reads what was typed and opens the canonical address.
    response = client.get(f"/v/?code={code[:3].lower()}+-+{code[3:]}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/v/{code}")


def test_an_unknown_code_is_a_404_that_says_how_codes_are_written(client):
    for typed in ("ZZZZZZZ", "K7Q-M2XD", "not-a-code", "U" * 7, "x" * 60):
        response = client.get(f"/v/{typed}?lang=en")
        assert response.status_code == 404, typed
        html = response.get_data(as_text=True)
        assert "Verification code not found" in html and "except I, L, O and U" in html
        assert 'id="version-code"' in html  # a form to try again
    assert client.get("/v/?code=nonsense").status_code == 404
    assert client.get("/v/").status_code == 200
    chinese = client.get("/v/ZZZZZZZ?lang=zh_CN").get_data(as_text=True)
    assert "未找到" in chinese


def test_every_rundown_item_carries_its_code(app, client, moderator):
    with app.app_context():
        show_id = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    html = client.get(f"/shows/{show_id}/rundown?lang=en").get_data(as_text=True)
    items = re.findall(r'<li class="rundown-item.*?</li>\n', html, re.S)
    assert len(items) >= 2
    for item in items:
        commitment_id = re.search(r'id="rundown-(\d+)"', item).group(1)
        code = CODE.search(item).group(1)
        assert f"localhost/v/{code}" in item  # printable: where to check it
        page = version_page(client, code)
        assert f'href="/commitments/{commitment_id}"' in page
        assert field(page, "status")  # the status read out, as it stood
    # On air as the follow-up card, the item carries the same code as on the sheet.
    first = re.search(r'id="rundown-(\d+)"', items[0]).group(1)
    moderator.post_form(
        f"/desk/shows/{show_id}/on-air", {"kind": "rundown", "item": first, "back": "rundown"}
    )
    overlay = client.get(f"/shows/{show_id}/overlay?layout=rundown").get_data(as_text=True)
    echo = re.search(r'<section id="rundown-card".*?</section>', overlay, re.S).group(0)
    assert CODE.findall(echo) == [CODE.search(items[0]).group(1)]


def _on_air(moderator, show_id, kind, item):
    response = moderator.post_form(f"/desk/shows/{show_id}/on-air", {"kind": kind, "item": item})
    assert response.status_code == 303


def _lower_third(client, show_id) -> str:
    html = client.get(f"/shows/{show_id}/overlay?lang=en").get_data(as_text=True)
    return re.search(r'<section id="lower-third".*?</section>', html, re.S).group(0)


def test_the_overlay_card_carries_its_code_fetched_and_pushed(
    app, client, moderator, liaison, supervisor, socket_client, call_id
):
    show_id = calls_of(app, _show_of(app, call_id))[0].show_id
    _on_air(moderator, show_id, "call", call_id)
    card = _lower_third(client, show_id)
    call_code = CODE.search(card).group(1)
    assert "Verification code" in card and f"localhost/v/{call_code}" in card
    assert "菜市场排水沟堵塞" in field(version_page(client, call_code), "topic")

    assert commit(moderator, call_id).status_code == 303
    with app.app_context():
        cid = db.session.scalar(select(Commitment.id).where(Commitment.call_id == call_id))
    viewer = socket_client("/live", client)
    viewer.emit("join", {"rooms": [f"overlay:{show_id}"]}, namespace="/live", callback=True)
    viewer.get_received("/live")
    _on_air(moderator, show_id, "commitment", cid)
    pushed = [e["args"][0]["html"] for e in viewer.get_received("/live") if e["name"] == "swap"]
    code = CODE.search(pushed[-1]).group(1)
    assert code == CODE.search(_lower_third(client, show_id)).group(1) != call_code
    deadline = load(app, cid).deadline
    assert field(version_page(client, code), "deadline") == deadline.isoformat()

    # An extension while it is on air: the pushed card carries a new code at
    # once, already committed; the old one keeps the deadline shown before.
    new_deadline = deadline + timedelta(days=10)
    submit(liaison, cid, "extension", new_deadline=new_deadline.isoformat(), reason="需协调。")
    viewer.get_received("/live")
    submit(supervisor, cid, "decision", decision="grant", reason="同意。")
    pushed = [e["args"][0]["html"] for e in viewer.get_received("/live") if e["name"] == "swap"]
    overlays = [h for h in pushed if 'id="lower-third"' in h]
    new = CODE.search(overlays[-1]).group(1)
    assert new != code
    assert field(version_page(client, new), "deadline") == new_deadline.isoformat()
    old_page = version_page(client, code)
    assert field(old_page, "deadline") == deadline.isoformat()
    assert "This record has changed since." in old_page
    assert new == CODE.search(_lower_third(client, show_id)).group(1)


def _show_of(app, call_id):
    from hotline.models import Call

    with app.app_context():
        return db.session.get(Call, call_id).show_id


def test_a_printed_list_costs_the_same_queries_for_n_and_2n_rows(app, client, count_queries):
    """Codes are read in one select and the missing ones written in one insert:
    no query per row, whether the codes are new or already issued."""
    period = year(app)
    url = f"/lists/assignments?period={period}"

    def rows_and_queries():
        with count_queries() as n:
            html = client.get(url).get_data(as_text=True)
        return len(CODE.findall(html)), n[0]

    client.get("/lists/")  # the session's first page (its cookie, the locale)
    rows, new_codes = rows_and_queries()
    _rows, issued = rows_and_queries()
    for _ in range(rows):
        make_commitment(app, days=20)
    doubled, half_new = rows_and_queries()
    _doubled, all_issued = rows_and_queries()
    assert doubled == 2 * rows > 10
    assert half_new == new_codes  # one select, one insert of the missing
    assert all_issued == issued == new_codes - 1  # one select, nothing to insert


def test_a_criterion_added_after_the_show_is_marked_on_the_old_code(app, client):
    """Pledges get their terms after the show: the old code's page marks the
    very row that changed, not just "changed since"."""
    from hotline.changes.pledges import set_terms
    from hotline.changes.versions import code_for
    from hotline.clock import today
    from hotline.models import ClaimKind

    with app.test_request_context("/"):
        item = db.session.scalar(
            select(Commitment).where(
                Commitment.state == "open",
                Commitment.kind == "commitment",
                Commitment.criterion == "",
            )
        )
        code = code_for(ClaimKind.COMMITMENT, item, today())
        set_terms(item, {"criterion": "街道办现场验收"}, actor=None, version=item.version)
        db.session.commit()
    page = version_page(client, code)
    assert "This record has changed since." in page
    assert re.search(r'<dt>Acceptance criterion[^<]*<span class="version-changed-mark">', page), (
        "the criterion's row is marked"
    )
    assert field(page, "criterion").strip() == "—"  # empty when it was shown
