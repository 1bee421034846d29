"""A pledge must say how it will be checked, in a real browser over `python
wsgi.py`: as the moderator types a vague pledge on the call's commitment form,
the vague phrases are flagged beside it (a live region screen readers read
out); a concrete pledge clears the flag; and the vague one is saved all the
same, its public page saying "验收标准待补充"."""

import re

import pytest
from e2e.test_a11y import serious_violations
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_typing_a_vague_pledge_flags_it_and_it_saves_anyway(wsgi_server, contexts, sign_in):
    desk = sign_in(contexts(), "host")
    desk.goto(f"{wsgi_server}/desk/")
    desk.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(desk.locator("#call-form")).to_be_visible()
    if desk.locator("button[value=live]").count():
        desk.locator("button[value=live]").click()
    expect(desk.locator("#show-header .live-badge")).to_be_visible()
    desk.locator("#topic").fill("浏览器：小区快递车乱开")
    desk.locator("#department").select_option(label="市交通运输局")
    desk.locator("#topic").press("Enter")
    row = desk.locator("#desk-calls li", has_text="浏览器：小区快递车乱开")
    expect(row).to_be_visible()
    editor_url = wsgi_server + row.locator("a.handle").get_attribute("href")
    row.locator("a.handle").click()

    editor = desk.locator("#call-editor")
    pledge = editor.locator("#commit-pledge")
    flags = editor.locator("#commit-pledge-flags")
    expect(flags).to_have_attribute("aria-live", "polite")
    expect(pledge).to_have_attribute("aria-describedby", "commit-pledge-flags")
    pledge.focus()
    desk.keyboard.type("我们将进一步加强管理，尽快研究解决")
    expect(flags.locator(".vague-list li")).to_have_count(4)
    expect(flags.locator(".vague-list")).to_contain_text("尽快")
    expect(flags).to_contain_text("没有时间：请说明何时完成")
    expect(flags.locator(".vague-preview mark")).to_have_count(4)
    expect(pledge).to_be_focused()  # the flag never takes the cursor away

    # A concrete pledge: the flag goes.
    pledge.fill("")
    desk.keyboard.type("12月20日前加装2盏路灯")
    expect(flags.locator("mark")).to_have_count(0)

    # A warning, never a block: the vague pledge is saved without a criterion.
    pledge.fill("")
    desk.keyboard.type("我们将尽快研究解决")
    expect(flags.locator(".vague-list li")).to_have_count(2)
    editor.locator("#commit-official_name").fill("周建华")
    editor.locator("#commit-department").select_option(label="市交通运输局")
    editor.get_by_role("button", name="保存承诺").click()
    expect(editor).to_contain_text("承诺事项已保存")
    link = editor.get_by_role("link", name="我们将尽快研究解决")
    public = contexts().new_page()
    public.goto(f"{wsgi_server}{link.get_attribute('href')}")
    expect(public.locator("#terms [data-term=criterion]")).to_have_text("验收标准待补充")

    # Readable by everyone (axe-core, as tests/e2e/test_a11y.py checks every
    # page type): the editor with its flag showing, the page with its notice.
    checked = sign_in(contexts(bypass_csp=True), "host")  # axe is a script of its own
    checked.goto(editor_url)
    checked.locator("details.action:has(#commit-pledge) > summary").click()  # committed now
    checked.locator("#commit-pledge").fill("尽快研究")
    checked.locator("#commit-pledge").press("End")
    checked.keyboard.type("解决")
    expect(checked.locator("#commit-pledge-flags .vague-list li")).to_have_count(2)
    assert serious_violations(checked) == []
    checked.goto(public.url)
    assert serious_violations(checked) == []
