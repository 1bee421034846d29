"""The desk's reference codes (查询码): one box of a fixed size above the call
form. Each saved call's answer puts its code there, written to be read out with
the whole address of /track, and adds it to the top of the list of this desk's
codes; nothing else grows. The code tracks the call; it is never pushed."""

import re

from desk_support import HOUSING, log

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}")
LATEST = re.compile(r'<p id="refcode-latest"[^>]*>(.*?)</p>', re.S)
ADDED = re.compile(r'<div hx-swap-oob="afterbegin:#refcode-list">(.*?)</div>', re.S)


def _save(client, show_id, topic, idem, lang=None):
    url = f"/desk/shows/{show_id}/calls" + (f"?lang={lang}" if lang else "")
    response = client.htmx_post(url, {"topic": topic, "department": str(HOUSING), "idem": idem})
    assert response.status_code == 200
    return response.text


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_each_code_replaces_the_latest_in_one_box_with_the_address_to_read_out(
    moderator, live_show, client
):
    page = moderator.get(f"/desk/shows/{live_show}").text
    assert page.count('id="refcodes"') == 1 and page.count('id="refcode-latest"') == 1
    assert "查询码和查询网址显示在这里" in page  # the box is there before the first call

    codes = []
    for number, topic in ((1, "第一通：路灯不亮"), (2, "第二通：井盖缺失")):
        answer = _save(moderator, live_show, topic, f"rc-{number}")
        latest = LATEST.search(answer)
        assert 'hx-swap-oob="true"' in latest.group(0)  # replaces the one before
        code = CODE.search(latest.group(1)).group(0)
        assert (
            _text(latest.group(1)) == f"#{number} 查询码 {code} · 打开 http://localhost/track 输入"
        )
        added = _text(ADDED.search(answer).group(1))  # to the top of the list
        assert added == f"#{number} {code} {topic}"
        assert answer.count(code) == 2 and "flash" not in answer  # no notice that piles up
        assert all(earlier not in answer for earlier in codes)
        codes.append(code)

    for code, topic in zip(codes, ("第一通：路灯不亮", "第二通：井盖缺失"), strict=True):
        assert topic in client.get(f"/track/{code}").text  # read out, typed in, found


def test_the_code_is_read_out_in_english_too(moderator, live_show):
    answer = _save(moderator, live_show, "Streetlight out", "rc-en", lang="en")
    latest = _text(LATEST.search(answer).group(1))
    code = CODE.search(latest).group(0)
    assert latest == f"#1 Reference code {code} · open http://localhost/track and type it in"


def test_a_form_with_errors_leaves_the_codes_alone(moderator, live_show):
    answer = moderator.htmx_post(f"/desk/shows/{live_show}/calls", {"topic": ""})
    assert answer.status_code == 422
    assert "refcode" not in answer.text and not CODE.search(answer.text)


def test_without_javascript_the_flash_gives_the_whole_address(moderator, live_show):
    response = log(moderator, live_show, topic="无脚本登记", idem="rc-nojs")
    page = moderator.get(response.headers["Location"]).text
    code = CODE.search(page).group(0)
    assert f"第1号来电的查询码：{code}" in page
    assert "群众打开 http://localhost/track 输入此码" in page
