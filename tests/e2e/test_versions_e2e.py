"""A printed list's verification code (核验码) in a real browser over
`python wsgi.py`: print the assignment list (Chromium's PDF), read a row's
code off the paper, type it back as a reader would (small letters, with the
dash) into /v/, and see that row's record as it was printed."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def pdf_text(page) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    return "\n".join(p.extract_text() for p in reader.pages)


def test_a_code_read_off_a_printed_list_opens_the_row_as_printed(wsgi_server, contexts):
    page = contexts().new_page()
    page.goto(f"{wsgi_server}/lists/assignments")
    row = page.locator("#list tbody tr").first
    pledge = row.locator("td").nth(1).inner_text().strip()
    deadline = row.locator("td").nth(5).inner_text().strip()
    page.emulate_media(media="print")
    expect(row.locator(".version-code-cell")).to_be_visible()
    printed = "".join(pdf_text(page).split())
    codes = re.findall(r"[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}", printed)
    shown = row.locator("[data-version-code]").inner_text()
    assert codes and codes[0] == shown  # the first row's code, on paper
    assert f"{wsgi_server}/v/".replace("http://", "") in printed  # where to check it

    reader = contexts().new_page()
    reader.goto(f"{wsgi_server}/v/")
    reader.get_by_label("核验码").fill(codes[0].lower())
    reader.get_by_role("button", name="查询").click()
    expect(reader).to_have_url(re.compile(r"/v/" + codes[0].replace("-", "") + "$"))
    expect(reader.locator("[data-version-code]")).to_have_text(codes[0])
    expect(reader.locator('dd[data-field="pledge"]')).to_have_text(pledge)
    expect(reader.locator('dd[data-field="deadline"]')).to_have_text(deadline)
    expect(reader.locator("#version-current")).to_contain_text("此记录至今未变")
    reader.locator("#version-now").click()
    expect(reader).to_have_url(re.compile(r"/commitments/\d+$"))
    expect(reader.locator("main")).to_contain_text(pledge[:20])
