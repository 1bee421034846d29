"""Forms for a show's topics: a citizen's proposal (the topic and an area,
nothing about who proposed it) and the office's topic, publishing and
rejecting forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .staff import KeyedForm, text


class ProposeTopicForm(KeyedForm):
    topic = text(_l("The topic you propose"), 500, required=True, area=True)
    area = text(_l("Community or street (optional)"), 100)


class TopicForm(KeyedForm):
    """The office's words for a topic: added, published (edited) or made from a question."""

    topic = text(_l("Topic (public)"), 500, required=True, area=True)
    area = text(_l("Area (community or street)"), 100)


class RejectTopicForm(KeyedForm):
    reason = text(_l("Reason (kept on the record, not public)"), 500, required=True, area=True)
