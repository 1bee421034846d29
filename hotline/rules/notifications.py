"""Replies to notifications by text message (上行短信): which reply means
"stop" and which stored numbers a reply's number is. Pure: no Flask, no
database (the city gateway's endpoint, public/notifications.py, and the stop,
changes/notifications.py, use these).

The stop words are the ones Chinese carriers and SMS platforms honour for
退订 (the 工信部 rules expect 退订 / TD to work on any marketing or notice
text) and the English ones callers type. A reply is a stop only when it is
one of them and nothing else, once trimmed and case-folded (full-width
letters count as their ASCII twins): "TD" and "退订。" stop, "退订是什么意思"
does not. Reviewed list: change it here, and the tests in
tests/domain/test_notifications_sms.py say why each is in."""

from __future__ import annotations

import re
import unicodedata

STOP_WORDS = frozenset(
    {
        "退订",  # the carriers' word, printed in the template
        "td",  # 退订's initials, the carriers' short form
        "t",  # ditto, shorter still (China Mobile accepts it)
        "n",  # "no", what many platforms accept
        "取消",  # "cancel"
        "stop",
        "unsubscribe",
    }
)

# Punctuation and spaces a phone keyboard adds around a word: trimmed, never inside.
_TRIM = " \t\r\n\u3000.,!?;:。，！？；：、…~～\"'“”‘’()（）【】"
_NOT_DIGIT = re.compile(r"\D")
SHORTEST_NUMBER = 6  # fewer digits than this is no one's number


def is_stop(text: str) -> bool:
    """A reply that asks to stop: one stop word, trimmed and case-folded."""
    if not isinstance(text, str) or len(text) > 40:
        return False
    word = unicodedata.normalize("NFKC", text).strip(_TRIM).casefold()
    return word in STOP_WORDS


def digits(phone: str) -> str:
    """A number as stored (spaces, dashes, a leading +), digits only."""
    return _NOT_DIGIT.sub("", phone or "")


def phone_forms(phone: str) -> frozenset[str]:
    """The digit strings a stored number may be when it is `phone` (as the
    gateway sends it: 13900001111, 8613900001111, +86 139…, 0086 139…):
    without the country code, and with it as 86 or 0086. Empty if it is no
    number at all."""
    national = digits(phone)
    if national.startswith("0086"):
        national = national[4:]
    elif national.startswith("86") and len(national) == 13:
        national = national[2:]
    if len(national) < SHORTEST_NUMBER:
        return frozenset()
    return frozenset({national, f"86{national}", f"0086{national}"})
