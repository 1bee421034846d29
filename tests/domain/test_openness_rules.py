"""The openness score's rule (rules/openness.py) and the milestones' rules
(rules/milestones.py): pure, plain facts in, numbers out."""

from datetime import date, timedelta

from hotline.rules import milestones, openness

TODAY = date(2026, 6, 15)  # a Monday
LIMITS = openness.Limits(acknowledge_days=1, answer_days=5)


def facts(**kw) -> openness.Facts:
    base = {
        "department_id": 1,
        "given_on": TODAY - timedelta(days=30),
        "acknowledged_on": TODAY - timedelta(days=30),
        "deadline": TODAY + timedelta(days=30),
    }
    return openness.Facts(**{**base, **kw})


def one(item: openness.Facts) -> openness.Openness:
    return openness.tally([item], TODAY, LIMITS)[1]


def test_acknowledged_within_the_limit_or_late_or_not_yet_due():
    assert one(facts()).parts["acknowledged"] == [1, 1]
    late = facts(acknowledged_on=TODAY - timedelta(days=20))
    assert one(late).parts["acknowledged"] == [0, 1]
    never = facts(acknowledged_on=None)
    assert one(never).parts["acknowledged"] == [0, 1]
    fresh = facts(given_on=TODAY, acknowledged_on=None)  # the limit is still ahead
    assert one(fresh).parts["acknowledged"] == [0, 0]


def test_progress_posted_by_the_deadline_counts_once_the_deadline_passed():
    ahead = facts(progress_on=())
    assert one(ahead).parts["progress"] == [0, 0]  # not yet asked
    passed = facts(deadline=TODAY - timedelta(days=1), progress_on=(TODAY,))
    assert one(passed).parts["progress"] == [0, 1]  # only after the deadline
    kept = facts(deadline=TODAY - timedelta(days=1), progress_on=(TODAY - timedelta(days=9),))
    assert one(kept).parts["progress"] == [1, 1]
    reported = facts(reported_on=TODAY - timedelta(days=2))
    assert one(reported).parts["progress"] == [0, 1]
    withdrawn = facts(deadline=TODAY - timedelta(days=1), withdrawn=True)
    assert one(withdrawn).parts["progress"] == [0, 0]


def test_evidence_attached_at_each_completion_report():
    assert one(facts(completions_with_files=(True, False))).parts["evidence"] == [1, 2]


def test_extensions_asked_before_not_after_the_deadline_then():
    deadline = TODAY - timedelta(days=10)
    asks = ((deadline - timedelta(days=3), deadline), (deadline + timedelta(days=1), deadline))
    assert one(facts(extensions=asks)).parts["extensions"] == [1, 2]


def test_presses_answered_within_the_limit_late_or_unanswered():
    pressed = TODAY - timedelta(days=20)
    presses = (
        openness.Press(pressed, pressed + timedelta(days=2)),  # in time
        openness.Press(pressed, pressed + timedelta(days=15)),  # late
        openness.Press(pressed, None),  # never answered, limit passed
        openness.Press(TODAY, None),  # limit still ahead: not counted
    )
    assert one(facts(presses=presses)).parts["presses"] == [1, 3]


def test_milestones_met_by_their_date():
    marks = (
        (TODAY - timedelta(days=10), TODAY - timedelta(days=11)),  # kept
        (TODAY - timedelta(days=10), TODAY - timedelta(days=2)),  # met late
        (TODAY - timedelta(days=1), None),  # missed
        (TODAY + timedelta(days=5), None),  # ahead: not counted
    )
    assert one(facts(milestones=marks)).parts["milestones"] == [1, 3]


def test_the_score_is_the_mean_of_the_parts_with_cases():
    item = facts(completions_with_files=(True, False))  # acknowledged 1/1, evidence 1/2
    result = one(item)
    assert result.score == (1.0 + 0.5) / 2
    assert result.rate("presses") is None and result.items == 1
    assert openness.Openness().score is None


def test_small_samples_are_not_ranked():
    items = [facts(department_id=1)] * 3 + [
        facts(department_id=2, acknowledged_on=None),
        facts(department_id=3, acknowledged_on=TODAY - timedelta(days=20)),
        facts(department_id=3, acknowledged_on=TODAY - timedelta(days=20)),
        facts(department_id=3),
    ]
    tallies = openness.tally(items, TODAY, LIMITS)
    openness.rank(tallies, min_sample=3)
    assert tallies[1].rank == 1 and tallies[3].rank == 2
    assert tallies[2].rank is None  # one item: shown, never ranked
    total = openness.overall(tallies)
    assert total.items == 7 and total.parts["acknowledged"] == [4, 7]


def test_milestone_rules():
    assert milestones.can_carry(TODAY, TODAY + timedelta(days=61))
    assert not milestones.can_carry(TODAY, TODAY + timedelta(days=60))
    s = milestones.standing
    assert s(TODAY, None, TODAY) == "upcoming" and s(TODAY - timedelta(1), None, TODAY) == "missed"
    assert s(TODAY, TODAY, TODAY) == "met" and s(TODAY, TODAY + timedelta(1), TODAY) == "met_late"


def test_each_period_marks_the_checks_of_its_part_of_the_year():
    year = milestones.checks_in(date(2026, 1, 1), date(2026, 12, 31))
    assert year == ["start", "progress", "results"]
    assert milestones.checks_in(date(2026, 1, 1), date(2026, 3, 31)) == ["start"]
    assert milestones.checks_in(date(2026, 4, 1), date(2026, 6, 30)) == ["start", "progress"]
    assert milestones.checks_in(date(2026, 7, 1), date(2026, 12, 31)) == ["progress", "results"]
    due = [
        milestones.Due(1, "市住建局", "修路", date(2026, 2, 1), "开工", "met"),
        milestones.Due(1, "市住建局", "修路", date(2026, 6, 1), "过半", "missed"),
        milestones.Due(1, "市住建局", "修路", date(2026, 11, 30), None, "upcoming"),
        milestones.Due(2, "市交通局", "公交", date(2027, 1, 5), None, "upcoming"),
    ]
    groups = milestones.period_checks(due, date(2026, 1, 1), date(2026, 12, 31))
    assert [(g.check, [d.due_on.month for d in g.due]) for g in groups] == [
        ("start", [2]),
        ("progress", [6]),
        ("results", [11]),
    ]
    assert groups[0].kept == 1 and groups[1].missed == 1
