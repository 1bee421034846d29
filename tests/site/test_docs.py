"""The documentation holds together: the README stays a short front door, the
documents it points to exist, and every relative link or image in them names a
file that exists and, with an anchor, a heading in that file."""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 200
DOCUMENTS = [
    "README.md",
    "SECURITY.md",
    "bench/README.md",
    "docs/guide.md",
    "docs/guide.zh-CN.md",
    "docs/operating.md",
    "docs/api.md",
    "docs/architecture.md",
]

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
# [text](target) and ![alt](target), with an optional "title"; the text may
# hold one level of brackets or code (`[x]`).
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_REF = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)


def documents() -> list[Path]:
    found = {ROOT / name for name in DOCUMENTS}
    found.update((ROOT / "docs").glob("*.md"))
    return sorted(found)


def without_code(text: str) -> str:
    """The text outside fenced blocks and code spans: links are not read there."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    """Every Markdown link or image target, and every <img src>/<a href>, in order."""
    prose = without_code(text)
    return [m.group(1) for m in LINK.finditer(prose)] + [
        m.group(1) for m in HTML_REF.finditer(prose)
    ]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the text as shown (no code marks or link
    targets), lowercased, punctuation dropped except hyphens and spaces (and
    underscores), spaces turned into hyphens. Letters of any script (CJK) are kept."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LMN")
    return kept.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a file's headings; a repeated heading gets -1, -2 …"""
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(FENCE.sub("", text)):
        base = slug(match.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def broken(source: Path, text: str) -> list[str]:
    """The relative links of `text` (from the file `source`) that lead nowhere."""
    bad = []
    for target in links(text):
        if EXTERNAL.match(target):
            continue
        path, _, anchor = target.partition("#")
        file = (source.parent / path).resolve() if path else source
        if not file.exists():
            bad.append(f"{target}: no file {file}")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text("utf-8")):
            bad.append(f"{target}: no heading #{anchor} in {file.name}")
    return bad


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES
    text = "\n".join(lines)
    assert "make run" in text and "make test" in text


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_exists(name):
    assert (ROOT / name).is_file()


def test_the_readme_points_to_every_document():
    targets = {link.partition("#")[0] for link in links((ROOT / "README.md").read_text("utf-8"))}
    assert set(DOCUMENTS) - {"README.md"} <= targets


def test_each_edition_of_the_guide_links_the_other_at_the_top():
    for name, other in (("guide.md", "guide.zh-CN.md"), ("guide.zh-CN.md", "guide.md")):
        top = (ROOT / "docs" / name).read_text("utf-8").splitlines()[:5]
        assert other in links("\n".join(top)), name


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_somewhere(path):
    assert broken(path, path.read_text("utf-8")) == []


def test_the_link_finder_sees_a_broken_link(tmp_path):
    """The checks above would pass on anything without this."""
    (tmp_path / "there.md").write_text("# A heading, with `code`\n\n## 中文 标题（一）\n")
    page = tmp_path / "page.md"
    text = (
        "See [there](there.md), [its heading](there.md#a-heading-with-code), "
        "[中文](there.md#中文-标题一), ![a picture](missing.png) and "
        "[a gone heading](there.md#nowhere), [gone](gone.md) and "
        '<img src="also-missing.png" alt="">; [web](https://example.com/x.md) is '
        "not checked, nor `[code](nothing.md)` or\n\n```\n[fenced](nothing.md)\n```\n"
    )
    page.write_text(text)
    assert links(text) == [
        "there.md",
        "there.md#a-heading-with-code",
        "there.md#中文-标题一",
        "missing.png",
        "there.md#nowhere",
        "gone.md",
        "https://example.com/x.md",
        "also-missing.png",
    ]
    found = broken(page, text)
    assert [b.split(":")[0] for b in found] == [
        "missing.png",
        "there.md#nowhere",
        "gone.md",
        "also-missing.png",
    ]


def test_slugs_follow_github():
    assert slug("Integration API: tokens, write endpoints, webhooks") == (
        "integration-api-tokens-write-endpoints-webhooks"
    )
    assert slug("### `GET /api/v1/departments`".lstrip("# ")) == "get-apiv1departments"
    assert slug("A deputy's code (代表码) and the deputy's desk") == (
        "a-deputys-code-代表码-and-the-deputys-desk"
    )
    assert slug("查询码与 `/track`") == "查询码与-track"
    assert anchors("# Same\n## Same\n```\n# not a heading\n```\n") == {"same", "same-1"}
