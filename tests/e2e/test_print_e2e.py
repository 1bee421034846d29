"""The three lists, the period report and the hot spots printed on A4 at 100%, in both
languages, in a real browser over `python wsgi.py`: Chromium prints them on
A4 (the report, 14 columns wide, on a landscape page); laid out at the
printable width of that page (less the 12 mm side margins), nothing is wider
than the paper, so Chromium never shrinks the page to fit; no visible text is
smaller than 9 pt; and the PDF printed at scale 1 keeps its text at 9 pt or
more."""

from __future__ import annotations

from io import BytesIO

import pytest

pytestmark = pytest.mark.browser

LANGS = ["zh_CN", "en"]
PAGES = [
    "/lists/suggestions",
    "/lists/assignments",
    "/lists/results",
    "/lists/report",
    "/lists/hotspots",
]
A4 = {"portrait": 210, "landscape": 297}  # the paper's width in mm
SIDE_MARGIN = 12  # mm, the lists' @page


def printable_px(paper_mm: float) -> int:
    """The width a page is laid out in on that paper, in CSS px (96 dpi):
    703 px on A4 upright, 1031 px on its side."""
    return int((paper_mm - 2 * SIDE_MARGIN) / 25.4 * 96)


NINE_POINTS = 12  # CSS px (9 pt × 96/72)

MEASURE = """() => {
  const html = document.documentElement;
  let smallest = Infinity, where = "";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest("svg")) continue;  // the chart is measured as a drawing
    const box = el.getBoundingClientRect();
    if (!el.checkVisibility() || box.width === 0 || box.height === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest) {
      smallest = size;
      where = el.tagName + ": " + node.textContent.trim().slice(0, 40);
    }
  }
  return {width: html.scrollWidth, smallest, where};
}"""


def pdf_font_sizes(pdf: bytes) -> list[float]:
    """The size in points at which each run of text is drawn on the paper
    (its font size times the scale of the text and drawing matrices)."""
    from pypdf import PdfReader

    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (abs(cm[0] * cm[3] - cm[1] * cm[2]) * abs(tm[0] * tm[3] - tm[1] * tm[2])) ** 0.5
            sizes.append(size * scale)

    for page in PdfReader(BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("lang", LANGS)
def test_every_printed_list_and_the_report_fit_a4_at_full_size(wsgi_server, contexts, lang):
    from pypdf import PdfReader

    # bypass_csp lets the test measure the page; the layout does not depend on it.
    page = contexts(bypass_csp=True).new_page()
    page.emulate_media(media="print")
    problems, papers = {}, {}
    for path in PAGES:
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        assert page.locator("table.print-list tbody tr").count() > 0
        pdf = page.pdf(format="A4", prefer_css_page_size=True, scale=1)
        smallest_printed = min(pdf_font_sizes(pdf))
        if smallest_printed < 9 - 0.05:
            problems[f"{path} PDF"] = f"{smallest_printed:.1f} pt"
        box = PdfReader(BytesIO(pdf)).pages[0].mediabox
        paper = "landscape" if box.width > box.height else "portrait"
        papers[path] = paper
        width = printable_px(A4[paper])
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        measured = page.evaluate(MEASURE)
        if measured["width"] > width:
            problems[f"{path} width"] = f"{measured['width']} px on {paper} A4 ({width} px)"
        if measured["smallest"] < NINE_POINTS:
            problems[f"{path} text"] = f"{measured['smallest']} px ({measured['where']})"
    assert problems == {}
    # The lists stay upright; the report and the hot spots (11 columns and a
    # chart) need the paper on its side.
    assert papers == {path: "portrait" for path in PAGES[:3]} | {
        "/lists/report": "landscape",
        "/lists/hotspots": "landscape",
    }
