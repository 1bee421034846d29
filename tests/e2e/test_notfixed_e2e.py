"""A citizen's "not fixed" report in real headless Chromium against `python
wsgi.py`: the form on a verified item's page with a phone photo (GPS in its
EXIF), the office's queue with the photo, and once accepted the count and the
entry on the public page."""

import re

import pytest
from followup_support import gps_jpeg
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLACE = "浏览器：幸福小区3号楼北侧"


def test_a_citizen_reports_not_fixed_with_a_photo_and_the_office_accepts(
    wsgi_server, contexts, sign_in, tmp_path
):
    citizen = contexts().new_page()
    citizen.goto(f"{wsgi_server}/?status=met")
    href = citizen.locator("a[href^='/commitments/']").first.get_attribute("href")
    commitment_id = re.fullmatch(r"/commitments/(\d+)", href).group(1)
    citizen.goto(f"{wsgi_server}{href}")
    form = citizen.locator("#notfixed form")
    expect(form).to_be_visible()
    expect(form).not_to_contain_text("电话")  # no name, no phone asked

    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg())
    citizen.fill("#notfixed-place", PLACE)
    citizen.fill("#notfixed-seen_on", citizen.get_attribute("#notfixed-seen_on", "max"))
    citizen.fill("#notfixed-note", "路面仍有大坑")
    citizen.set_input_files("#notfixed-photo", str(photo))
    form.locator("button[type=submit]").click()
    expect(citizen.locator(".flash-success")).to_contain_text("经审核后才会在本页显示")
    expect(citizen.locator("#timeline")).not_to_contain_text(PLACE)  # not public yet

    office = sign_in(contexts(), "office")
    office.goto(f"{wsgi_server}/followup/")
    report = office.locator("#notfixed li.card", has_text=PLACE)
    expect(report).to_be_visible()
    expect(report.locator("img.notfixed-photo")).to_have_js_property("naturalWidth", 30)
    report.locator("button[id^=notfixed-accept-]").click()
    expect(office.locator(".flash-success")).to_be_visible()

    citizen.goto(f"{wsgi_server}/commitments/{commitment_id}")
    expect(citizen.locator("#notfixed-count")).to_contain_text("1 位群众反映问题未解决")
    expect(citizen.locator("#notfixed-summary")).to_contain_text(PLACE)
    entry = citizen.locator("li[data-kind=not_fixed]")
    expect(entry).to_contain_text(PLACE)
    # The photo, upright (its EXIF turned it) and without its metadata, is served.
    expect(citizen.locator("#notfixed-summary img.notfixed-photo")).to_have_js_property(
        "naturalWidth", 30
    )
