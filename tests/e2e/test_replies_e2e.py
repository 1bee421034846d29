"""A liaison sends a progress note from one of the office's response
templates, on a phone-sized browser (390×844, touch) over `python wsgi.py`
with the site's strict CSP: the template fills the empty text box with the
item's department and place; picking another over edited text asks first and
keeps the text when the answer is no; the edited note is sent and shown on
the public timeline."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOUSING = "市住房和城乡建设局"


def test_a_liaison_sends_a_progress_note_from_a_template_on_a_phone(wsgi_server, contexts, sign_in):
    liaison = sign_in(contexts(viewport=PHONE, is_mobile=True, has_touch=True), "housing")
    liaison.goto(f"{wsgi_server}/followup/")
    liaison.locator("#later a, #due-soon a, #overdue a").first.click()
    form = liaison.locator("#form-progress")
    expect(form).to_be_visible()
    commitment_id = re.search(r"/commitments/(\d+)", liaison.url).group(1)
    box = form.locator("#progress-note")
    picker = form.locator("#progress-note-replies")

    # Pick a template: the empty box is filled in, nothing asked.
    picker.locator("summary").click()
    first = picker.locator("li", has_text="已现场查看")
    use = first.get_by_role("button", name="使用此模板")
    expect(use).to_be_visible()  # shown by static/replies.js under the CSP
    use.tap()
    expect(box).to_have_value(re.compile(rf"^{HOUSING}已于\d{{4}}年\d+月\d+日派员到"))
    expect(box).to_be_focused()
    expect(picker).not_to_have_attribute("open", "")  # closed again: the box is in view
    box.press("End")
    box.type("（浏览器：已约施工队）")
    typed = box.input_value()

    # Another template over the edited text: asked first; "no" keeps the typing.
    asked = []
    liaison.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    picker.locator("summary").click()
    picker.locator("li", has_text="施工推进中").get_by_role("button").tap()
    expect(box).to_have_value(typed)
    assert asked == ["用此模板替换已输入的内容吗？"]

    # Laid out for the phone: the form and its picker fit the screen's width.
    if picker.get_attribute("open") is None:
        picker.locator("summary").click()
    for part in (form, picker):
        shape = part.bounding_box()
        assert shape["x"] >= 0 and shape["x"] + shape["width"] <= PHONE["width"]

    # Sent as edited: on the page's timeline, and on the public page.
    form.get_by_role("button", name="报送办理进展").tap()
    expect(liaison.locator(".flash-success")).to_be_visible()
    expect(liaison.locator(".timeline")).to_contain_text("（浏览器：已约施工队）")
    expect(liaison.locator(".timeline")).to_contain_text(f"{HOUSING}已于")
    public = contexts().new_page()
    public.goto(f"{wsgi_server}/commitments/{commitment_id}")
    expect(public.locator("#timeline")).to_contain_text("（浏览器：已约施工队）")
