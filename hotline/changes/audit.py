"""The audit trail of staff actions: one write helper, used in the same
transaction as the change it records (the caller commits both, or neither).

The table is append-only in the database (see migration 0007_audit). What is
recorded is for the office, never for the public: it may hold usernames as
typed and client addresses.
"""

from __future__ import annotations

from flask import has_request_context, request

from ..extensions import db
from ..models import AuditLog, User
from ..rules.text import for_log

# Every action recorded; labels.AUDIT_ACTIONS has the word shown for each.
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_LOCKED = "sign_in_locked"  # failed sign-ins in a row locked the username
ACCOUNT_UNLOCKED = "account_unlocked"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an action name; by the account itself)
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
USER_CREATED = "user_created"
PASSWORD_RESET = "password_reset"  # noqa: S105 (an action name)
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
DEPARTMENT_CREATED = "department_created"
DEPARTMENT_CHANGED = "department_changed"
DEPARTMENT_ACTIVATED = "department_activated"
DEPARTMENT_DEACTIVATED = "department_deactivated"
DEPUTY_CREATED = "deputy_created"
DEPUTY_CHANGED = "deputy_changed"
DEPUTY_ACTIVATED = "deputy_activated"
DEPUTY_DEACTIVATED = "deputy_deactivated"
WITHHELD = "withheld"
LIMITS_CHANGED = "limits_changed"
VAGUE_PHRASE_ADDED = "vague_phrase_added"  # the office's list (changes/pledges.py)
VAGUE_PHRASE_REMOVED = "vague_phrase_removed"
REPLY_ADDED = "reply_added"  # the office's response templates (changes/replies.py)
REPLY_CHANGED = "reply_changed"
REPLY_RETIRED = "reply_retired"
REPLY_RESTORED = "reply_restored"
SSO_LINKED = "sso_linked"  # the office linked an account to a single sign-on identity
SSO_UNLINKED = "sso_unlinked"
# Second factors (changes/factors.py); a wrong code is a SIGN_IN_FAILED.
FACTOR_ADDED = "second_factor_added"
FACTOR_REMOVED = "second_factor_removed"
FACTORS_RESET = "second_factors_reset"
RECOVERY_CODES_MADE = "recovery_codes_made"
# Citizens' "not fixed" reports (changes/notfixed.py).
NOTFIXED_ACCEPTED = "notfixed_accepted"
NOTFIXED_REJECTED = "notfixed_rejected"
NOTFIXED_REOPENED = "notfixed_reopened"
# A 退订 reply by text message stopped a caller's or sender's notifications
# (changes/notifications.py, stop_by_phone): the call or message, never the number.
SMS_STOPPED = "sms_stopped"
# Staff corrected a caller's contact (changes/notifications.py): which fields only.
CONTACT_CORRECTED = "contact_corrected"
# The question wall (changes/wall.py): a question approved for it or marked,
# a sender blocked by their fingerprint (never who they are), the sensitive words.
WALL_APPROVED = "wall_approved"
WALL_MARKED = "wall_marked"
WALL_SENDER_BLOCKED = "wall_sender_blocked"
WALL_BLOCK_LIFTED = "wall_block_lifted"
SENSITIVE_WORD_ADDED = "sensitive_word_added"
SENSITIVE_WORD_REMOVED = "sensitive_word_removed"
# The cue's running order locked for the show, or deliberately unlocked (changes/cue.py).
RUNDOWN_LOCKED = "rundown_locked"
RUNDOWN_UNLOCKED = "rundown_unlocked"
# The office's lists of categories and areas (changes/categories.py, areas.py).
CATEGORY_CREATED = "category_created"
CATEGORY_CHANGED = "category_changed"
CATEGORY_RETIRED = "category_retired"
CATEGORY_ACTIVATED = "category_activated"
CATEGORIES_IMPORTED = "categories_imported"
CATEGORY_MAPPED = "category_mapped"  # a typed text mapped: an alias, and its records' ids
AREA_CREATED = "area_created"
AREA_CHANGED = "area_changed"
AREA_RETIRED = "area_retired"
AREA_ACTIVATED = "area_activated"
AREAS_IMPORTED = "areas_imported"
AREA_MAPPED = "area_mapped"

ACTIONS = (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_IN_LOCKED,
    ACCOUNT_UNLOCKED,
    PASSWORD_CHANGED,
    SIGNED_OUT_EVERYWHERE,
    USER_CREATED,
    PASSWORD_RESET,
    USER_DISABLED,
    USER_ENABLED,
    DEPARTMENT_CREATED,
    DEPARTMENT_CHANGED,
    DEPARTMENT_ACTIVATED,
    DEPARTMENT_DEACTIVATED,
    DEPUTY_CREATED,
    DEPUTY_CHANGED,
    DEPUTY_ACTIVATED,
    DEPUTY_DEACTIVATED,
    WITHHELD,
    LIMITS_CHANGED,
    VAGUE_PHRASE_ADDED,
    VAGUE_PHRASE_REMOVED,
    REPLY_ADDED,
    REPLY_CHANGED,
    REPLY_RETIRED,
    REPLY_RESTORED,
    SSO_LINKED,
    SSO_UNLINKED,
    FACTOR_ADDED,
    FACTOR_REMOVED,
    FACTORS_RESET,
    RECOVERY_CODES_MADE,
    NOTFIXED_ACCEPTED,
    NOTFIXED_REJECTED,
    NOTFIXED_REOPENED,
    SMS_STOPPED,
    CONTACT_CORRECTED,
    WALL_APPROVED,
    WALL_MARKED,
    WALL_SENDER_BLOCKED,
    WALL_BLOCK_LIFTED,
    SENSITIVE_WORD_ADDED,
    SENSITIVE_WORD_REMOVED,
    RUNDOWN_LOCKED,
    RUNDOWN_UNLOCKED,
    CATEGORY_CREATED,
    CATEGORY_CHANGED,
    CATEGORY_RETIRED,
    CATEGORY_ACTIVATED,
    CATEGORIES_IMPORTED,
    CATEGORY_MAPPED,
    AREA_CREATED,
    AREA_CHANGED,
    AREA_RETIRED,
    AREA_ACTIVATED,
    AREAS_IMPORTED,
    AREA_MAPPED,
)
# Changes made with an API token: "api_" and what was done (api/writes.py;
# api/writes_followup.py records one per follow-up action, api_action(name)).
API_CALL_LOGGED = "api_call_logged"
API_CALL_ANSWERED = "api_call_answered"
API_CALL_REFERRED = "api_call_referred"
API_PLACARD = "api_placard"
API_COMMITMENT_MADE = "api_commitment_made"
API_ON_AIR = "api_on_air"
API_ON_AIR_CLEARED = "api_on_air_cleared"
API_WITHHOLD = "api_withhold"
# The button box's on-air control (api/cue.py).
API_CUE = (
    "api_cue_take",
    "api_cue_next",
    "api_cue_clear",
    "api_cue_call",
    "api_cue_totals",
    "api_cue_qr",
)
API_DESK = (
    API_CALL_LOGGED,
    API_CALL_ANSWERED,
    API_CALL_REFERRED,
    API_PLACARD,
    API_COMMITMENT_MADE,
    API_ON_AIR,
    API_ON_AIR_CLEARED,
    API_WITHHOLD,
    *API_CUE,
)


def api_action(done: str) -> str:
    return f"api_{done}"


# The actor of a change made from the command line (no account signed in).
CLI = "cli"


def record(actor: User | str | None, action: str, target: str = "", detail: dict | None = None):
    """Add an audit row to the current session (not committed here).

    `actor` is the signed-in account, or for a failed sign-in the username as
    typed (untrusted: stored escaped, and cut to the column's length)."""
    if isinstance(actor, User):
        actor_id, actor_name = actor.id, actor.username
    else:
        actor_id, actor_name = None, for_log(actor or "")
    address = (request.remote_addr or "") if has_request_context() else ""
    row = AuditLog(
        actor_id=actor_id,
        actor_name=actor_name[:100],
        action=action,
        target=for_log(target)[:200],
        detail=detail or {},
        address=address[:64],
    )
    db.session.add(row)
    return row
