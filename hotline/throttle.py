"""The abuse limits citizens' submissions share: a question to a show, a
message through a deputy's 代表码, a topic proposed for a show and a "not
fixed" report on an item count against the same per-address limit, and each
target (a show, a deputy, an item) has its own cap. Support for topics has a
per-address limit of its own, and so have failed API token attempts
(hotline/api/bearer.py). Staff notes to a show's crew have a per-account
limit (account_wait). Wrong second-factor codes are counted per account
(failures_wait, count_failure)."""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerSecond, parse

from .extensions import limiter


def submission_wait(scope: str, target_id: int, cap_setting: str, cap_default: str) -> int | None:
    """Seconds to wait before this address may send another question or
    message, or None (and the attempt is counted). Generous per address (a
    whole venue may share one Wi-Fi or carrier address), capped per target so
    a flood cannot bury the moderator or the deputy."""
    config = current_app.config
    return _wait(
        (parse(config.get("HOTLINE_QUESTION_LIMIT", "20 per hour")), "ask", get_remote_address()),
        (parse(config.get(cap_setting, cap_default)), scope, str(target_id)),
    )


def address_wait(scope: str, setting: str, default: str) -> int | None:
    """Seconds this address must wait before doing `scope` again, or None (and
    the attempt is counted)."""
    limit = parse(current_app.config.get(setting, default))
    return _wait((limit, scope, get_remote_address()))


def account_wait(scope: str, key: str, setting: str, default: str) -> int | None:
    """Seconds the signed-in account `key` must wait before doing `scope`
    again (a crew's notes, desk/crew.py), or None (and the attempt is counted)."""
    limit = parse(current_app.config.get(setting, default))
    return _wait((limit, scope, key))


def first_refusal(scope: str, setting: str, default: str) -> bool:
    """True the first time this address is refused for `scope` within one
    window of its limit, so a refused burst makes one log line, not one a
    request."""
    limit = parse(current_app.config.get(setting, default))
    once = RateLimitItemPerSecond(1, limit.get_expiry())
    return limiter.limiter.hit(once, scope + "-refused", get_remote_address())


def failures_wait(scope: str, key: str, setting: str, default: str) -> int | None:
    """Seconds `key` (an account) must wait after too many failures at `scope`,
    or None. Nothing is counted here: count_failure() counts only the wrong
    attempts, so a staff member who gets it right is never held back."""
    limit = parse(current_app.config.get(setting, default))
    if limiter.limiter.test(limit, scope, key):
        return None
    reset = limiter.limiter.get_window_stats(limit, scope, key).reset_time
    return max(1, math.ceil(reset - time.time()))


def count_failure(scope: str, key: str, setting: str, default: str) -> None:
    limiter.limiter.hit(parse(current_app.config.get(setting, default)), scope, key)


def minutes(wait: int) -> int:
    """A wait in seconds as the whole minutes a refusal tells the citizen."""
    return math.ceil(wait / 60)


def retry_later(page: str, wait: int) -> tuple[str, int, dict[str, str]]:
    """Refused for now, never lost: the page (its form still holding the
    text), 429, and when to send it again."""
    return page, 429, {"Retry-After": str(wait)}


def _wait(*limits) -> int | None:
    for item, *key in limits:
        if not limiter.limiter.test(item, *key):
            reset = limiter.limiter.get_window_stats(item, *key).reset_time
            return max(1, math.ceil(reset - time.time()))
    for item, *key in limits:
        limiter.limiter.hit(item, *key)
    return None
