"""The one input rule for text, and the two ways stored text is made safe on
the way out (log lines and XML). Pure functions: no Flask, no database.

Input: text is normalised to NFC, and refused when it contains a character
that has no business in a title, a name or a note: C0/C1 control characters
(line breaks and tabs only in multi-line fields), Unicode noncharacters,
unpaired surrogates, bidirectional controls (which can make a line read
backwards) and zero-width characters (which hide differences between names).
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embedding, override and isolate controls, and the marks.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Zero-width space, non-joiner, joiner, word joiner and the byte-order mark.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
MULTILINE_ALLOWED = frozenset("\n\t")

# What XML 1.0 allows at all: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD]
# | [#x10000-#x10FFFF]. Everything else makes a feed unparseable.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def is_control(ch: str) -> bool:
    """C0 (U+0000–001F), DEL and C1 (U+0080–009F)."""
    cp = ord(ch)
    return cp < 0x20 or 0x7F <= cp <= 0x9F


def is_noncharacter(ch: str) -> bool:
    """U+FDD0–FDEF and the last two code points of every plane (U+xFFFE, U+xFFFF)."""
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def is_surrogate(ch: str) -> bool:
    # In a Python str a surrogate code point is always unpaired: a valid pair
    # is decoded to one character beyond U+FFFF.
    return 0xD800 <= ord(ch) <= 0xDFFF


def normalise(value: str, multiline: bool = False) -> str:
    """NFC, and one kind of line break (browsers send CRLF from a textarea).
    Surrogates are left alone here (NFC cannot encode them): the rule refuses them."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if any(is_surrogate(ch) for ch in value):
        return value
    return unicodedata.normalize("NFC", value)


def forbidden(value: str, multiline: bool = False) -> str | None:
    """The first character the rule refuses, or None when the text is clean."""
    for ch in value:
        if ch in MULTILINE_ALLOWED:
            if multiline:
                continue
            return ch
        if (
            is_control(ch)
            or is_noncharacter(ch)
            or is_surrogate(ch)
            or ch in BIDI
            or ch in ZERO_WIDTH
        ):
            return ch
    return None


def codepoint(ch: str) -> str:
    """How a refused character is named to the user: U+202E."""
    return f"U+{ord(ch):04X}"


class BadText(ValueError):
    """Text the rule refuses; `char` is the first offending character."""

    def __init__(self, char: str):
        super().__init__(f"text contains {codepoint(char)}")
        self.char = char


def clean(value: str, multiline: bool = False) -> str:
    """The normalised text, or BadText: for the API and socket events, where
    there is no form to show the message beside."""
    value = normalise(value, multiline)
    bad = forbidden(value, multiline)
    if bad is not None:
        raise BadText(bad)
    return value


def for_log(value) -> str:
    """A value quoted in a log line, with everything that could forge or hide
    part of the line escaped (newlines, ESC, bidi controls...), like repr()
    but without the quotes. A backslash is doubled, so an escape in the log
    always comes from here."""
    text = value if isinstance(value, str) else str(value)
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == " " or (ch.isprintable() and ch not in BIDI and ch not in ZERO_WIDTH):
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def xml_safe(value) -> str:
    """Stored text with the characters XML 1.0 cannot carry removed, so one
    bad row can never make a feed or an XML export invalid. None is ''."""
    if value is None:
        return ""
    return _XML_ILLEGAL.sub("", value if isinstance(value, str) else str(value))
