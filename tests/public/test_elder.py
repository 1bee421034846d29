"""长辈版 (elder mode) and the accessibility statement over HTTP: the header's
link sets the cookie and comes back, the server puts the class on <html>, the
link to go back is there, and /accessibility answers in both languages."""

import re

import pytest

HTML_TAG = re.compile(r"<html[^>]*>")


def html_tag(response) -> str:
    return HTML_TAG.search(response.get_data(as_text=True)).group(0)


def test_every_public_page_offers_elder_mode_in_its_header(client):
    for path in ("/", "/shows", "/departments", "/track", "/lists/"):
        page = client.get(path).get_data(as_text=True)
        assert "长辈版" in page, path
        assert 'href="/elder?mode=on&amp;next=' in page, path
        assert 'class="elder"' not in html_tag(client.get(path))
    english = client.get("/track?lang=en").get_data(as_text=True)
    assert ">Elder mode</a>" in english


def test_the_link_sets_the_cookie_and_comes_back_to_the_same_page(client):
    response = client.get("/elder?mode=on&next=/track%3Fcode%3D", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/track?code=")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("elder=1;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    board = client.get("/")
    assert html_tag(board) == '<html lang="zh-CN" class="elder">'
    page = board.get_data(as_text=True)
    # The way back, to the page the reader is on.
    assert ">标准版</a>" in page and 'href="/elder?mode=off&amp;next=/"' in page
    assert "Cookie" in board.headers["Vary"]  # no cache hands one mode to the other

    # The board is cached for anonymous readers: each mode has its own copy.
    other = client.application.test_client()
    assert "class=" not in html_tag(other.get("/"))
    assert html_tag(client.get("/")) == '<html lang="zh-CN" class="elder">'

    back = client.get("/elder?mode=off&next=/shows")
    assert back.status_code == 303 and back.headers["Location"].endswith("/shows")
    assert "elder=;" in back.headers["Set-Cookie"]
    assert "class=" not in html_tag(client.get("/"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", ""])
def test_the_link_only_goes_back_to_this_site(client, target):
    response = client.get("/elder", query_string={"mode": "on", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_read_aloud_buttons_wait_for_a_browser_that_can_speak(client):
    page = client.get("/").get_data(as_text=True)
    # One for the page, one per commitment; hidden until static/readaloud.js
    # finds speech synthesis; the script is a file (the CSP allows no inline one).
    page_button = '<button type="button" class="readaloud secondary" data-readaloud="#main" hidden>'
    assert page_button + "朗读</button>" in page
    assert page.count('class="readaloud readaloud-item secondary" hidden>朗读') >= 5
    assert '<script src="/static/readaloud.js' in page
    first = re.search(r'<a class="pledge" href="/commitments/(\d+)"', page).group(1)
    detail = client.get(f"/commitments/{first}").get_data(as_text=True)
    assert 'data-readaloud="#timeline h1, #timeline .facts, #timeline .current-status"' in detail


def test_the_accessibility_statement_in_both_languages(app, client):
    zh = client.get("/accessibility")
    assert zh.status_code == 200
    text = zh.get_data(as_text=True)
    assert "<h1>无障碍声明</h1>" in text
    for words in (
        "GB/T 37668",
        "WCAG 2.2",
        "tests/e2e/test_a11y.py",
        "已知的例外",
        "反馈无障碍问题",
    ):
        assert words in text
    en = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in en
    for words in ("Known exceptions", "Report a barrier", "tests/e2e/test_elder_e2e.py"):
        assert words in en
    # Linked from every page's footer.
    assert 'href="/accessibility"' in client.get("/").get_data(as_text=True)


def test_the_statement_names_the_office_address_to_report_a_barrier(app, client):
    app.config["HOTLINE_CONTACT_EMAIL"] = "access@rd.example.gov.cn"
    text = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert (
        '<a href="mailto:access@rd.example.gov.cn" hx-boost="false">access@rd.example.gov.cn</a>'
        in text
    )


def test_one_readers_query_never_reaches_the_cached_page_of_another(app):
    """The board and a show page are cached whole for anonymous readers: the
    elder link names the path only, not what one reader put in the address."""
    from hotline.realtime.fragments import FragmentCache

    app.extensions["hotline_fragments"] = FragmentCache(seconds=300)
    first, second = app.test_client(), app.test_client()
    assert first.get("/?x=tracking123").status_code == 200
    page = second.get("/").get_data(as_text=True)
    assert "tracking123" not in page
    assert 'href="/elder?mode=on&amp;next=/"' in page


def test_on_https_the_cookie_is_secure_like_every_other(app):
    """Behind a proxy that ends TLS the app may see plain http: the cookie follows
    the site's HTTPS setting (HOTLINE_HTTPS), as the session and browser cookies do."""
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().get("/elder?mode=on&next=/", follow_redirects=False)
    assert "; Secure" in response.headers["Set-Cookie"]
    app.config["SESSION_COOKIE_SECURE"] = False
    response = app.test_client().get("/elder?mode=on&next=/", follow_redirects=False)
    assert "Secure" not in response.headers["Set-Cookie"]
