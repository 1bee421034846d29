"""Chinese first, English complete: every string in the code and templates has
a Chinese translation, and pages render in both languages."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "hotline/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
METHODS = [("hotline/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        directory_filter=lambda d: not Path(d).name.startswith("."),
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_has_a_chinese_translation():
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and all(m.string) and not m.fuzzy
    }
    missing = sorted(source_messages() - translated)
    assert missing == [], f"run `make extract` and translate these in {PO.name}: {missing}"


def test_public_pages_render_in_both_languages(client):
    for url in ("/", "/shows", "/shows/1", "/commitments/1", "/departments", "/auth/login"):
        zh = client.get(url + "?lang=zh_CN")
        en = client.get(url + "?lang=en")
        assert zh.status_code == en.status_code == 200, url
        assert 'lang="zh-CN"' in zh.get_data(as_text=True), url
        body = en.get_data(as_text=True)
        assert 'lang="en"' in body and "Commitment board" in body, url


def test_english_pages_mark_chinese_content(client):
    """WCAG 3.1.2: stored Chinese text on an English page says it is Chinese."""
    import re

    for url in (
        "/",
        "/commitments/1",
        "/shows/1",
        "/shows",
        "/deputies",
        "/departments",
        "/lists/results?period=2026",
    ):
        en = client.get(url + ("&" if "?" in url else "?") + "lang=en").get_data(as_text=True)
        marked = re.findall(r'<(?:span|p|td|th|option|text)[^>]* lang="zh-CN"[^>]*>([^<]*)', en)
        assert any(re.search("[\u4e00-\u9fff]", text) for text in marked), url
        zh = client.get(url + ("&" if "?" in url else "?") + "lang=zh_CN").get_data(as_text=True)
        assert '<span lang="zh-CN">' not in zh, url  # the page is Chinese already
    # Words of the English interface are not marked.
    assert '<span lang="zh-CN">Commitment board' not in client.get("/?lang=en").get_data(
        as_text=True
    )


def test_public_pages_describe_themselves(client):
    for url in (
        "/",
        "/commitments/1",
        "/shows",
        "/shows/1",
        "/departments",
        "/deputies",
        "/deputies/1",
        "/lists/",
        "/lists/report",
        "/api/v1/",
    ):
        for lang in ("zh_CN", "en"):
            html = client.get(f"{url}?lang={lang}").get_data(as_text=True)
            assert '<meta name="description" content="' in html, (url, lang)
            assert '<meta name="description" content="">' not in html, (url, lang)
