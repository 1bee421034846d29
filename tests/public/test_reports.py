"""Period reports: the numbers against a hand-computed fixture, the periods,
the server-side SVG chart and the CSV; the three lists and their exports."""

import csv
import io
import re
from datetime import date

import pytest

from hotline.rules import reports
from hotline.rules.reports import Row, build, parse_period

A, B = "住建局", "交通局"


def row(dept, created, state, deadline, original=None, completed=None, votes=(0, 0, 0)):
    return Row(
        department=dept,
        created_on=date.fromisoformat(created),
        state=state,
        deadline=date.fromisoformat(deadline),
        original_deadline=date.fromisoformat(original or deadline),
        completed_on=date.fromisoformat(completed) if completed else None,
        votes=votes,
    )


FIXTURE = [
    # A: on time (22 days to report), 3 satisfied 1 basic
    row(A, "2026-01-10", "met", "2026-02-10", completed="2026-02-01", votes=(3, 1, 0)),
    # A: after extension (47 days), 2 dissatisfied
    row(A, "2026-02-01", "met", "2026-04-01", "2026-03-01", "2026-03-20", votes=(0, 0, 2)),
    # A: late (41 days)
    row(A, "2026-03-01", "met", "2026-04-01", completed="2026-04-11", votes=(1, 0, 1)),
    # A: open, overdue on 2026-07-15
    row(A, "2026-05-01", "open", "2026-06-01"),
    # A: made before the period: not counted
    row(A, "2025-12-31", "met", "2026-01-20", completed="2026-01-05", votes=(9, 9, 9)),
    # B: open, not yet due
    row(B, "2026-06-30", "open", "2026-08-01"),
    # B: extended, reported done (29 days), awaiting verification
    row(B, "2026-04-01", "reported", "2026-05-01", "2026-04-20", "2026-04-30"),
    # B: withdrawn
    row(B, "2026-04-02", "withdrawn", "2026-05-01"),
    # B: made in the second half: not counted
    row(B, "2026-07-01", "open", "2026-07-02"),
]


def test_report_numbers_match_the_hand_computed_fixture():
    lines, total = build(FIXTURE, parse_period("2026-H1"), as_of=date(2026, 7, 15))
    by = {line.department: line for line in lines}
    assert [line.department for line in lines] == sorted([A, B])
    a, b = by[A], by[B]
    assert (a.made, a.met_on_time, a.met_after_extension, a.met_late) == (4, 1, 1, 1)
    assert (a.extended, a.overdue, a.reported, a.withdrawn, a.open) == (1, 1, 0, 0, 0)
    assert a.median_days == 41  # of 22, 47, 41
    assert a.satisfaction == pytest.approx(5 / 8)  # (4 + 1) / (4 + 1 + 3)
    assert (b.made, b.met, b.extended, b.overdue, b.reported, b.withdrawn, b.open) == (
        3, 0, 1, 0, 1, 1, 1,
    )  # fmt: skip
    assert b.median_days == 29
    assert b.satisfaction is None  # no votes: shown empty, never as 0 %
    assert (total.made, total.met, total.extended, total.overdue) == (7, 3, 2, 1)
    assert total.median_days == 35  # of 22, 47, 41, 29
    assert reports.cell(a, "satisfaction") == "62.5%"
    assert reports.cell(b, "satisfaction") == ""
    assert reports.cell(total, "median_days") == "35"


def test_status_is_taken_on_the_day_asked():
    lines, _ = build(FIXTURE, parse_period("2026-H1"), as_of=date(2026, 6, 1))
    a = {line.department: line for line in lines}[A]
    assert (a.overdue, a.open) == (0, 1)  # due today is not overdue


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-H1", "2026-01-01", "2026-06-30"),
        ("2026-H2", "2026-07-01", "2026-12-31"),
        ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2024-q1", "2024-01-01", "2024-03-31"),
        ("2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026-Q4", "2026-10-01", "2026-12-31"),
    ],
)
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["", "26", "2026-Q5", "2026-H3", "2026-07", "1900", "x"])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_chart_segments_are_proportional():
    lines, _ = build(FIXTURE, parse_period("2026-H1"), as_of=date(2026, 7, 15))
    bars, top = reports.chart(lines, width=400)
    assert top == 4
    by = dict(zip([line.department for line in lines], bars, strict=True))
    assert [(b.column, b.x, b.width) for b in by[A]] == [
        ("met_on_time", 0, 100),
        ("met_after_extension", 100, 100),
        ("met_late", 200, 100),
        ("overdue", 300, 100),
    ]
    assert [(b.column, b.width, b.count) for b in by[B]] == [("rest", 300, 3)]


# -- the pages


def test_report_page_has_a_server_side_svg_chart_and_matching_csv(client):
    client.get("/?lang=en")
    year = date.today().year
    html = client.get(f"/lists/report?period={year}").get_data(as_text=True)
    assert "<svg" in html and "<rect" in html
    assert " style=" not in html  # CSP: presentation attributes only
    assert "Satisfaction = (satisfied + basically satisfied)" in html
    made = re.findall(r'data-col="made">(\d+)<', html)
    r = client.get(f"/lists/report?period={year}&format=csv")
    assert r.mimetype == "text/csv" and r.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:2] == ["Department", "Made"]
    assert [row[1] for row in table[1:]] == made
    assert table[-1][0] == "Total"
    assert client.get("/lists/report?period=nonsense").status_code == 404


def test_lists_are_public_printable_and_private_data_free(app, client):
    from hotline.cli.demo import CALLERS

    year = date.today().year
    for kind in ("suggestions", "assignments", "results"):
        r = client.get(f"/lists/{kind}?period={year}")
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        assert f'src="/lists/qr.svg?for={kind}&amp;period={year}"' in html
        assert 'class="print-header"' in html
        csv_text = client.get(f"/lists/{kind}?period={year}&format=csv").get_data(as_text=True)
        for name, phone in CALLERS:
            assert name not in html and phone not in html
            assert name not in csv_text and phone not in csv_text


def test_a_list_shows_what_was_said_in_its_period(app, client):
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import Call

    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.topic.startswith("洋澜湖沿岸")))
        day = call.show.starts_at
    period = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    other = f"{day.year - 1}"
    assert "洋澜湖沿岸部分护栏损坏" in client.get(f"/lists/suggestions?period={period}").text
    assert "洋澜湖沿岸部分护栏损坏" not in client.get(f"/lists/suggestions?period={other}").text


def test_csv_cells_cannot_become_formulas(app, client):
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import Call

    with app.app_context():
        call = db.session.scalar(select(Call).order_by(Call.id.desc()).limit(1))
        call.topic = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
        day = call.show.starts_at
    period = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    text = client.get(f"/lists/suggestions?period={period}&format=csv").get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")"' in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_qr_code_points_to_our_own_page_only(client):
    r = client.get("/lists/qr.svg?for=results&period=2026")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.data.startswith(b"<svg")
    assert client.get("/lists/qr.svg?for=https://evil.example").status_code == 404
