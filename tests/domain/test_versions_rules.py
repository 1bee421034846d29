"""What a verification code (核验码) looks like and how what a reader typed
back is read: Crockford's base32 without I, L, O and U, any case, with or
without the dash, the look-alikes read as the digits they are mistaken for."""

from hotline.rules.versions import ALPHABET, LENGTH, display, new_code, normalize


def test_codes_are_seven_unambiguous_characters_shown_three_and_four():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500  # drawn at random, not counted up
    for code in codes:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
        assert not set(code) & set("ILOU")
        assert display(code) == f"{code[:3]}-{code[3:]}"
        assert normalize(display(code)) == normalize(code.lower()) == code


def test_what_was_typed_is_read_as_the_code_it_means():
    assert normalize("k7q-m2xd") == "K7QM2XD"
    assert normalize(" K7Q M2XD ") == "K7QM2XD"
    assert normalize("K7Q–M2XD") == "K7QM2XD"  # a typographic dash from a document
    assert normalize("o1l-ioio") == "0111010"  # O read as 0, I and L as 1
    for wrong in ("", None, "K7QM2X", "K7QM2XDD", "K7Q/M2XD", "K7QUM2X", "核验码1234", "x" * 100):
        assert normalize(wrong) is None, wrong
