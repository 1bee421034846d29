"""The words of the audit trail: each staff action it records (changes/audit.py
ACTIONS), and each change made with an API token, for the office's audit page.
Kept beside that page; hotline/labels.py holds the words the public sees."""

from __future__ import annotations

from flask_babel import gettext as _


def audit_action_label(action: str) -> str:
    """A staff action recorded in the audit trail (audit.ACTIONS)."""
    return {
        "sign_in": _("Signed in"),
        "sign_in_failed": _("Sign-in failed"),
        "sign_in_locked": _("Sign-in locked after failures"),
        "account_unlocked": _("Sign-in lock lifted"),
        "password_changed": _("Own password changed"),
        "signed_out_everywhere": _("Signed out everywhere"),
        "user_created": _("Account created"),
        "password_reset": _("Password reset"),
        "user_disabled": _("Account disabled"),
        "user_enabled": _("Account enabled"),
        "department_created": _("Department created"),
        "department_changed": _("Department changed"),
        "department_activated": _("Department activated"),
        "department_deactivated": _("Department deactivated"),
        "deputy_created": _("Deputy added"),
        "deputy_changed": _("Deputy changed"),
        "deputy_activated": _("Deputy activated"),
        "deputy_deactivated": _("Deputy deactivated"),
        "withheld": _("Withheld from public view"),
        "limits_changed": _("Limits changed"),
        "vague_phrase_added": _("Vague phrase added"),
        "vague_phrase_removed": _("Vague phrase removed"),
        "reply_added": _("Response template added"),
        "reply_changed": _("Response template changed"),
        "reply_retired": _("Response template retired"),
        "reply_restored": _("Response template brought back"),
        "sso_linked": _("Single sign-on linked"),
        "sso_unlinked": _("Single sign-on unlinked"),
        "second_factor_added": _("Second factor added"),
        "second_factor_removed": _("Second factor removed"),
        "second_factors_reset": _("Second factors reset"),
        "recovery_codes_made": _("Recovery codes made"),
        "notfixed_accepted": _('Citizen\'s "not fixed" report accepted'),
        "notfixed_rejected": _('Citizen\'s "not fixed" report rejected'),
        "notfixed_reopened": _("Reopened from a citizen's report (重办)"),
        "contact_corrected": _("Caller's contact corrected"),
        "sms_stopped": _("Notifications stopped by an SMS reply (退订)"),
        "wall_approved": _("Question approved for the wall"),
        "wall_marked": _("Question on the wall marked"),
        "wall_sender_blocked": _("Question sender blocked"),
        "wall_block_lifted": _("Question sender's block lifted"),
        "sensitive_word_added": _("Sensitive word added"),
        "sensitive_word_removed": _("Sensitive word removed"),
        "rundown_locked": _("Running order locked"),
        "rundown_unlocked": _("Running order unlocked"),
        "category_created": _("Category added"),
        "category_changed": _("Category changed"),
        "category_retired": _("Category retired"),
        "category_activated": _("Category back in use"),
        "categories_imported": _("Categories imported"),
        "category_mapped": _("Typed category mapped"),
        "area_created": _("Area added"),
        "area_changed": _("Area changed"),
        "area_retired": _("Area retired"),
        "area_activated": _("Area back in use"),
        "areas_imported": _("Areas imported"),
        "area_mapped": _("Typed area mapped"),
        "api_token_created": _("API token created"),
        "api_token_revoked": _("API token revoked"),
    }.get(action) or _api_action_label(action)


def _api_action_label(action: str) -> str:
    """A change made with an API token: recorded as `api_` and what was done
    (api/writes.py, api/writes_followup.py: one per follow-up action)."""
    done = action.removeprefix("api_")
    label = (
        {
            "call_logged": _("Call logged"),
            "call_answered": _("Answered on air"),
            "call_referred": _("Referred for offline verification"),
            "placard": _("Placard vote"),
            "commitment_made": _("Committed on air"),
            "on_air": _("Put on air"),
            "on_air_cleared": _("Taken off air"),
            "cue_take": _("Taken to program"),
            "cue_next": _("Next cued item taken to program"),
            "cue_clear": _("Program and preview cleared"),
            "cue_call": _("Current call cued"),
            "cue_totals": _("Totals taken to program"),
            "cue_qr": _("QR code taken to program"),
            "withhold": _("Withheld from public view"),
            "progress": _("Progress note"),
            "extension": _("Extension requested"),
            "completion": _("Completion reported"),
            "decision": _("Extension decided"),
            "verify": _("Verified as met"),
            "reopen": _("Sent back (reopened)"),
            "press": _("Pressed (督办)"),
            "withdraw": _("Withdrawn"),
            "callback": _("Callback to the caller (回访)"),
            "acknowledge": _("Acknowledged by the department (签收)"),
            "dispute": _("Dispute: not this department's (派单异议)"),
            "dispute_decision": _("Dispute decided"),
            "merge": _("Linked to the same problem (并单)"),
            "milestone": _("Milestone set"),
            "milestone_met": _("Milestone met"),
            "milestone_move": _("Milestone moved to a new date"),
            "terms": _("Terms of the pledge added (承诺要素补充)"),
            "request_criterion": _("Acceptance criterion requested (催补验收标准)"),
        }.get(done)
        if done != action
        else None
    )
    return _("%(action)s (through the API)", action=label) if label else action
