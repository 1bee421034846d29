"""The password policy and how passwords are stored (hotline/rules/passwords.py),
the lock schedule (rules/lockout.py) and session limits (rules/sessions.py):
pure functions, checked without the app."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from werkzeug.security import generate_password_hash

from hotline.rules import lockout, passwords, sessions
from hotline.rules.passwords import COMMON, HAS_USERNAME, TOO_SHORT, problems

DEMO_PASSWORD = "hotline-demo"


def test_the_list_is_shipped_and_holds_the_well_known_ones():
    common = passwords.common_passwords()
    assert len(common) >= 2000
    for word in (
        "123456",
        "123456789",
        "5201314",
        "woaini1314",
        "qwerty",
        "1qaz2wsx",
        "a123456",
        "aa123456",
        "iloveyou",
        "woaini",
        "zhang123",
        "daibiaozhuanxian",
        "hotline",
    ):
        assert word in common, word
    # The demo's password (printed by `make run`) must keep working.
    assert DEMO_PASSWORD not in common
    assert problems(DEMO_PASSWORD, "host") == []


@pytest.mark.parametrize(
    "password",
    [
        "woaini1314",
        "WoAiNi1314",  # case does not help
        "woaini1314!",  # nor digits and symbols added
        "woaini5201314520",
        "1qaz2wsx!@#$",
        "Daibiaozhuanxian",
        "hotline2026!!",
        "HOTLINE-2026",
        "a123456!!!!",
        "12345678901",
        "iloveyou123",
        "Zhang19851985",  # a pinyin surname and a year, and more digits
    ],
)
def test_common_passwords_are_refused(password):
    assert COMMON in problems(password), password


@pytest.mark.parametrize(
    "password",
    [
        DEMO_PASSWORD,
        "a-long-password",
        "long-enough-pw",
        "correct horse battery",
        "雨后的东湖总是很安静啊",
    ],
)
def test_uncommon_long_passwords_pass(password):
    assert problems(password, "newone") == []


def test_short_and_username_containing_passwords_are_refused():
    assert problems("Xy7#kq2!", "office") == [TOO_SHORT]
    assert problems("my-Office-2026-key", "office") == [HAS_USERNAME]
    assert problems("my-office-2026-key", "  OFFICE ") == [HAS_USERNAME]
    # A username too short to mean anything is not looked for.
    assert problems("lighthouse-keeper", "li") == []
    # Every reason at once.
    assert problems("host1", "host") == [TOO_SHORT, HAS_USERNAME]
    assert set(problems("woaini", "woaini")) == {TOO_SHORT, COMMON, HAS_USERNAME}


def test_a_common_word_at_the_start_of_a_longer_one_is_not_common():
    # Only digits and symbols after a common password make it common.
    assert COMMON not in problems("passwordmanager")
    assert COMMON not in problems("love-letters-from-wuhan")


def test_new_hashes_are_argon2id_and_verify():
    stored = passwords.hash_password(DEMO_PASSWORD)
    assert stored.startswith("$argon2id$")
    assert DEMO_PASSWORD not in stored
    assert passwords.verify(stored, DEMO_PASSWORD)
    assert not passwords.verify(stored, "hotline-demO")
    assert not passwords.needs_rehash(stored)


@pytest.mark.parametrize("method", ["pbkdf2:sha256:600000", "scrypt"])
def test_older_hashes_still_verify_and_ask_to_be_replaced(method):
    stored = generate_password_hash(DEMO_PASSWORD, method=method)
    assert passwords.verify(stored, DEMO_PASSWORD)
    assert not passwords.verify(stored, "wrong")
    assert passwords.needs_rehash(stored)


def test_argon2_with_other_parameters_asks_to_be_replaced():
    from argon2 import PasswordHasher

    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEMO_PASSWORD)
    assert passwords.verify(weaker, DEMO_PASSWORD)
    assert passwords.needs_rehash(weaker)
    assert not passwords.verify("not a hash", DEMO_PASSWORD)


def test_locks_double_up_to_the_cap():
    policy = lockout.Policy(failures=5, first_minutes=15, max_minutes=240)
    assert [lockout.lock_minutes(n, policy) for n in range(1, 8)] == [
        15,
        30,
        60,
        120,
        240,
        240,
        240,
    ]
    assert lockout.lock_minutes(10**6, policy) == 240  # no overflow


def test_a_session_ends_idle_or_old():
    start = datetime(2026, 5, 1, 8, 0)
    idle, life = timedelta(minutes=30), timedelta(hours=12)
    assert sessions.expiry(start, start, start + timedelta(minutes=29), idle, life) is None
    assert sessions.expiry(start, start, start + timedelta(minutes=30), idle, life) == "idle"
    seen = start + timedelta(hours=11, minutes=50)
    assert sessions.expiry(start, seen, seen + timedelta(minutes=5), idle, life) is None
    assert sessions.expiry(start, seen, start + timedelta(hours=12), idle, life) == "lifetime"
    assert sessions.idle_limit("moderator", 30, {"moderator": 240}) == timedelta(hours=4)
    assert sessions.idle_limit("liaison", 30, {"moderator": 240}) == timedelta(minutes=30)


@pytest.mark.parametrize(
    "agent,words",
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126 · Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56",
            "Edge 126 · Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI",
            "WeChat 8 · iOS",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.5 Safari/605.1.15",
            "Safari 17 · macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Firefox 127 · Linux",
        ),
        ("", ""),
        ("curl/8.5.0", ""),
    ],
)
def test_the_browser_in_a_few_words(agent, words):
    assert sessions.browser_of(agent) == words
