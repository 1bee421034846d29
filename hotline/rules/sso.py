"""Single sign-on: did the identity provider already ask for a second factor?

Read from the ID token's `amr` (authentication methods, RFC 8176) or `acr`
(the authentication context the IdP says it met). Pure: no Flask, no database.

The rule is two independent factors, as Hotline's own sign-in asks for a
password and then a one-time code or a passkey:

- `amr` contains "mfa" (the IdP says outright that several factors were used); or
- `amr` names methods of two different kinds: something the person knows
  (pwd, pin, kba), has (otp, hwk, swk, sms, tel, sc, pop) or is (fpt, face,
  iris, retina, vbm). ["pwd", "otp"] and ["pin", "hwk"] pass; ["sms"] alone does
  not: a text-message code by itself is one factor (手机号 + 短信验证码 is a
  common single-factor sign-in), and so is a lone "otp" or "hwk"; or
- `acr` is one of the values the office configured as multi-factor
  (HOTLINE_OIDC_MFA_ACR), because some IdPs report the level, not the methods.

Anything else, including no `amr` and no `acr` at all, is not a second factor.
"""

from __future__ import annotations

from collections.abc import Iterable

KNOWS = frozenset({"pwd", "pin", "kba"})
HAS = frozenset({"otp", "hwk", "swk", "sms", "tel", "sc", "pop"})
IS = frozenset({"fpt", "face", "iris", "retina", "vbm"})


def factor_kinds(amr: Iterable[str]) -> set[str]:
    """Which kinds of factor ("knows", "has", "is") the methods cover."""
    methods = set(amr)
    kinds = set()
    for kind, members in (("knows", KNOWS), ("has", HAS), ("is", IS)):
        if methods & members:
            kinds.add(kind)
    return kinds


def second_factor_done(amr: object, acr: object, mfa_acr: Iterable[str] = ()) -> bool:
    """True when the IdP's sign-in already counts as two factors.

    `amr` and `acr` are taken as the token carries them: anything that is not
    a list of strings (amr) or a string (acr) counts for nothing."""
    if isinstance(acr, str) and acr and acr in set(mfa_acr):
        return True
    if not isinstance(amr, list) or not all(isinstance(m, str) for m in amr):
        return False
    return "mfa" in amr or len(factor_kinds(amr)) >= 2
