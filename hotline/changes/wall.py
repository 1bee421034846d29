"""The public question wall (提问墙): every change to it, in the caller's
transaction. The caller commits, then pushes (realtime/wall.py).

- A question sent from the show's page is screened as it arrives (`screen`):
  a sensitive word or a number that looks personal flags it for review; a
  blocked sender's question is held. Either way it is kept and queued for
  the moderator like any other, and the sender is told it awaits review.
- The moderator approves a question for the wall (`approve`), in words that
  may be reworded first, and marks it highlighted, answered or archived
  (`mark`); each is in the audit trail. The queue itself is untouched: the
  question can still be put on air or declined.
- A viewer upvotes a question on the wall (`upvote`): once per browser and
  once per connection a day, while the show is live. Like a viewer's vote on
  an answer, an upvote is a citizen's word, no event on any record.
- A moderator blocks a sender by their question's fingerprint (`block`) and
  lifts it (`lift`); nobody learns who the sender is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import (
    Question,
    SensitiveWord,
    Show,
    ShowStatus,
    User,
    WallBlock,
    WallEntry,
    WallVote,
    utcnow,
)
from ..rules import wall as rule
from ..rules.wall import Review, WallState
from . import audit
from .votes import Refused


def active_words() -> list[str]:
    """The office's sensitive words in use, oldest first."""
    return list(
        db.session.scalars(
            select(SensitiveWord.word).where(SensitiveWord.active).order_by(SensitiveWord.id)
        )
    )


def is_blocked(sender_key: str, address_key: str) -> bool:
    """Whether a block matches this browser or this connection."""
    keys = [WallBlock.sender_key == sender_key] if sender_key else []
    keys += [WallBlock.address_key == address_key] if address_key else []
    if not keys:
        return False
    found = select(WallBlock.id).where(WallBlock.active, or_(*keys)).limit(1)
    return db.session.scalar(found) is not None


def screen(question: Question, *, sender_key: str, address_key: str) -> WallEntry:
    """A question just sent (added to the session): its wall entry, not on the
    wall, with the sender's fingerprint and the review it needs."""
    found = rule.flags(question.text, active_words())
    review = rule.review_for(found, is_blocked(sender_key, address_key))
    entry = WallEntry(
        question=question,
        show_id=question.show_id,
        state=WallState.PENDING,
        review=review,
        flagged=",".join(found)[:300],
        text="",
        area="",
        sender_key=sender_key,
        address_key=address_key,
    )
    db.session.add(entry)
    return entry


def entry_of(question: Question) -> WallEntry:
    """The question's wall entry, made now for a question that has none (one
    that came before the wall, or not from the show's page: no fingerprint)."""
    entry = question.wall
    if entry is None:
        entry = WallEntry(
            question=question,
            show_id=question.show_id,
            state=WallState.PENDING,
            review=Review.NONE,
            flagged="",
            sender_key="",
            address_key="",
        )
        db.session.add(entry)
    return entry


def approve(question: Question, actor: User, *, text: str = "", area: str | None = None):
    """Put the question on the wall in `text` (the question as sent when
    empty) with `area` (the sender's when None). Refused once it is on the
    wall already, or when the show has ended."""
    entry = entry_of(question)
    if entry.state != WallState.PENDING:
        raise Refused(_l("This question is on the wall already."))
    if question.show.status == ShowStatus.ENDED:
        raise Refused(_l("The show has ended: its wall takes no more questions."))
    words = (text or "").strip() or question.text
    if rule.personal_numbers(words):
        # Published words go to every viewer and the overlay: a number that looks
        # like a phone or ID card never does, with JavaScript's confirm or without.
        raise Refused(_l("The words hold what looks like a phone or ID number: reword them first."))
    entry.text = words
    entry.area = question.area if area is None else area.strip()
    entry.state = WallState.APPROVED
    entry.approved_at = entry.changed_at = utcnow()
    entry.changed_by_id = actor.id
    detail = {"show": question.show_id, "review": entry.review}
    if entry.text != question.text:
        detail["reworded"] = True
    audit.record(actor, audit.WALL_APPROVED, f"question #{question.id}", detail)
    return entry


def mark(entry: WallEntry, state: str, actor: User) -> bool:
    """Mark an approved question (rules/wall.py MARKS); False when it is so
    already. Highlighting one takes the highlight off the show's other."""
    if state not in set(rule.MARKS):
        raise Refused(_l("Choose how to mark the question."), 400)
    if entry.state == WallState.PENDING:
        raise Refused(_l("This question is not on the wall."))
    if entry.state == state:
        return False
    if state == WallState.HIGHLIGHTED:
        db.session.execute(
            update(WallEntry)
            .where(WallEntry.show_id == entry.show_id, WallEntry.state == WallState.HIGHLIGHTED)
            .values(state=WallState.APPROVED, changed_at=utcnow(), changed_by_id=actor.id)
            .execution_options(synchronize_session="fetch")
        )
    before, entry.state = entry.state, state
    entry.changed_at, entry.changed_by_id = utcnow(), actor.id
    detail = {"show": entry.show_id, "from": before, "to": state}
    audit.record(actor, audit.WALL_MARKED, f"question #{entry.question_id}", detail)
    return True


def closed_because(entry: WallEntry, show: Show):
    """Why viewers cannot upvote this question now (a lazy text), or None."""
    if entry.state not in rule.ON_WALL:
        if entry.state == WallState.ANSWERED:
            return _l("This question has been answered: upvotes are closed.")
        return _l("This question is not on the wall.")
    if show.status == ShowStatus.SCHEDULED:
        return _l("Upvotes open when the show goes live.")
    if show.status == ShowStatus.ENDED:
        return _l("Upvotes have closed: the show has ended.")
    return None


def upvote(entry: WallEntry, show: Show, *, browser_key: str, client_key: str) -> WallVote:
    """A viewer's upvote: once per browser (`browser_key`, the hash of its
    cookie) and once per connection a day (`client_key`, a keyed hash of the
    day, the address, the user agent and the entry); the database holds to
    both (a double click that races us is an IntegrityError)."""
    reason = closed_because(entry, show)
    if reason is not None:
        raise Refused(reason)
    mine = select(WallVote.id).where(WallVote.entry_id == entry.id).limit(1)
    if db.session.scalar(mine.where(WallVote.browser_key == browser_key)):
        raise Refused(_l("This browser has already upvoted this question."))
    if db.session.scalar(mine.where(WallVote.client_key == client_key)):
        raise Refused(
            _l("An upvote for this question has already come from your connection today.")
        )
    vote = WallVote(entry_id=entry.id, browser_key=browser_key, client_key=client_key)
    db.session.add(vote)
    return vote


def block(question: Question, actor: User) -> WallBlock:
    """Block the sender of `question` by its fingerprint: their new questions
    are held for review. Refused when the question carries none (it did not
    come from the show's page) or when the sender is blocked already."""
    entry = question.wall
    if entry is None or not (entry.sender_key or entry.address_key):
        raise Refused(_l("This question carries no fingerprint to block its sender by."))
    if is_blocked(entry.sender_key, entry.address_key):
        raise Refused(_l("This sender is blocked already."))
    row = WallBlock(
        sender_key=entry.sender_key,
        address_key=entry.address_key,
        question_id=question.id,
        created_by_id=actor.id,
    )
    db.session.add(row)
    audit.record(
        actor, audit.WALL_SENDER_BLOCKED, f"question #{question.id}", {"show": question.show_id}
    )
    return row


def lift(row: WallBlock, actor: User) -> None:
    """Lift a block (kept, inactive)."""
    row.active, row.lifted_at, row.lifted_by_id = False, utcnow(), actor.id
    audit.record(actor, audit.WALL_BLOCK_LIFTED, f"question #{row.question_id}", {"block": row.id})


# --- the office's sensitive words (Administration) -------------------------------


def add_word(word: str, actor: User) -> bool:
    """Put `word` on the list; False when it is listed already."""
    word = rule.clean(word)
    if not word:
        return False
    row = db.session.scalar(select(SensitiveWord).where(SensitiveWord.word == word))
    if row is not None and row.active:
        return False
    if row is None:
        db.session.add(SensitiveWord(word=word, updated_by_id=actor.id))
    else:  # taken off once, back again
        row.active, row.updated_by_id = True, actor.id
    audit.record(actor, audit.SENSITIVE_WORD_ADDED, "sensitive words", {"word": word})
    return True


def remove_word(row: SensitiveWord, actor: User) -> None:
    """Take a word off the list (kept, inactive)."""
    row.active, row.updated_by_id = False, actor.id
    audit.record(actor, audit.SENSITIVE_WORD_REMOVED, "sensitive words", {"word": row.word})
