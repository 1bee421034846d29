"""A pledge must say how it will be checked: the vague-phrase rule (pure), and
the demo's pledges, concrete with their acceptance criteria but for the two
left vague on purpose."""

from sqlalchemy import select

from hotline.cli.demo_pledges import PLEDGES
from hotline.extensions import db
from hotline.models import Commitment, Event, EventKind, ItemKind
from hotline.rules import pledges
from hotline.rules.pledges import Flag


def test_vague_phrases_are_found_with_their_positions_and_what_they_leave_unsaid():
    text = "我们将进一步加强管理，尽快研究解决。"
    found = pledges.find(text)
    assert [f.phrase for f in found] == ["进一步", "加强", "尽快", "研究"]
    for flag in found:
        assert text[flag.start : flag.end] == flag.phrase
    assert [f.kind for f in found] == [
        pledges.EFFORT,
        pledges.EFFORT,
        pledges.NO_DATE,
        pledges.STUDY,
    ]


def test_a_concrete_pledge_has_nothing_to_flag():
    text = "12月20日前在凤凰街道3号楼东侧加装2盏路灯，由街道办现场验收。"
    assert pledges.find(text) == []
    assert pledges.find("") == [] and pledges.find(None) == []


def test_english_is_matched_as_whole_words_ignoring_case():
    found = pledges.find("We will STRENGTHEN checks and fix it as soon as possible.")
    assert [(f.phrase, f.kind) for f in found] == [
        ("STRENGTHEN", pledges.EFFORT),
        ("as soon as possible", pledges.NO_DATE),
    ]
    # Not inside another word: "furthermore", "studying", "soonest".
    assert pledges.find("Furthermore, studying the soonest date.") == []


def test_overlapping_phrases_are_flagged_once_the_longer_first():
    """ "加大力度" holds no shorter listed phrase flagged twice; an office phrase
    holding a listed one wins where it starts first."""
    found = pledges.find("加大力度，加强管理", extra=["加强管理"])
    assert [(f.phrase, f.kind) for f in found] == [
        ("加大力度", pledges.EFFORT),
        ("加强管理", pledges.OFFICE),
    ]


def test_the_office_extends_the_list():
    text = "相关部门将跟进此事"
    assert pledges.find(text) == []
    found = pledges.find(text, extra=["  跟进 ", "相关部门", ""])
    assert found == [Flag("相关部门", 0, 4, pledges.OFFICE), Flag("跟进", 5, 7, pledges.OFFICE)]
    # A phrase already on the reviewed list keeps its own reason.
    assert pledges.find("尽快", extra=["尽快"])[0].kind == pledges.NO_DATE


def test_segments_cut_the_text_at_the_flags_and_lose_nothing():
    text = "我们尽快修好，并逐步改善"
    found = pledges.find(text)
    parts = pledges.segments(text, found)
    assert "".join(part for part, _flag in parts) == text
    assert [part for part, flag in parts if flag] == ["尽快", "逐步"]
    assert pledges.segments("", []) == []


def test_the_demo_pledges_are_concrete_with_criteria_but_two_left_vague(app):
    vague = {topic for topic, (pledge, *_rest) in PLEDGES.items() if pledges.find(pledge)}
    assert vague == {"快递车辆在小区内横冲直撞", "城中村违建影响消防通道"}
    with app.app_context():
        items = db.session.scalars(
            select(Commitment).where(Commitment.kind == ItemKind.COMMITMENT)
        ).all()
        assert len(items) >= 15
        assert not any("30天内完成整改并向群众反馈" in c.pledge for c in items)
        concrete = [c for c in items if c.call.topic not in vague]
        # What, where, how much, by when: each concrete pledge says them all.
        for c in concrete:
            assert c.deliverable and c.place and c.measure, c.pledge
            assert f"{c.original_deadline.month}月{c.original_deadline.day}日" in c.pledge
        with_criterion = [c for c in concrete if c.criterion]
        assert len(with_criterion) >= len(concrete) - 1
        assert len({c.criterion for c in with_criterion}) == len(with_criterion)  # varied
        # The vague ones: no terms, "验收标准待补充" on the board.
        for c in (c for c in items if c.call.topic in vague):
            assert not c.criterion and c.criterion_missing and pledges.find(c.pledge)
        # One had its criterion added later, after the office asked for it.
        later = db.session.scalars(select(Event).where(Event.kind == EventKind.TERMS)).all()
        assert later and all(e.data["changes"]["criterion"][0] == "" for e in later)
        asked = db.session.scalar(select(Event).where(Event.kind == EventKind.CRITERION_REQUESTED))
        assert asked.commitment_id == later[0].commitment_id
        # Verified against the criterion as stated then (a referral has none).
        verified = [
            e
            for e in db.session.scalars(select(Event).where(Event.kind == EventKind.VERIFIED))
            if e.commitment.kind == ItemKind.COMMITMENT
        ]
        assert verified and all(e.data["criterion"] == e.commitment.criterion for e in verified)
