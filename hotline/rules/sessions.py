"""How long a staff session lasts, and the few words kept about the browser
that holds it. Pure: no Flask, no database.

A session ends after `idle` without a request (its last-seen time is written
at most once a minute, so it may end up to a minute early), and in any case
`lifetime` after it began. The live desk's socket keeps last-seen fresh
while a show is on air (hotline/realtime/live.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

IDLE = "idle"
LIFETIME = "lifetime"
# Last-seen is written when it is older than this: no write per request.
TOUCH_EVERY = timedelta(minutes=1)


def idle_limit(role: str, minutes: int, by_role: dict[str, int]) -> timedelta:
    """The idle timeout of a role: its own setting, else the default."""
    return timedelta(minutes=by_role.get(role, minutes))


def expiry(
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    idle: timedelta,
    lifetime: timedelta,
) -> str | None:
    """Why the session is over (IDLE or LIFETIME), or None while it lasts."""
    if now - created_at >= lifetime:
        return LIFETIME
    if now - last_seen_at >= idle:
        return IDLE
    return None


# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("WeChat", r"MicroMessenger/(\d+)"),
    ("QQ Browser", r"QQBrowser/(\d+)"),
    ("UC Browser", r"UCBrowser/(\d+)"),
    ("Firefox", r"Firefox/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/"),
)
_SYSTEMS = (
    ("HarmonyOS", r"HarmonyOS|OpenHarmony"),
    ("Android", r"Android"),
    ("iOS", r"iPhone|iPad|iPod"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux|X11"),
)


def browser_of(user_agent: str) -> str:
    """ "Chrome 126 · Windows": enough to recognise one's own devices; the
    rest of the User-Agent header is not kept."""
    user_agent = user_agent or ""
    browser = ""
    for name, pattern in _BROWSERS:
        if found := re.search(pattern, user_agent):
            browser = f"{name} {found.group(1)}"
            break
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)
