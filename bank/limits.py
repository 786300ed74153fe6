"""Discord's limits a question must fit once posted, checked on the built item.

A question that passes the format's rules can still be impossible to post: Discord refuses a
message whose embed description passes 4,096 characters, a field past 1,024, a title past 256,
an option name or autocomplete choice past 100. These rules keep every posted form of a legal
item (question, reveal, verdict, lookup, autocomplete) inside those limits with room to spare;
the renderers still truncate, so nothing ever reaches Discord too long.
"""

from __future__ import annotations

from collections.abc import Iterator

from bank.schema import LETTERS, MAX_TEXT_CHARS, Item, KeypointsItem, McqItem, ShortItem

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD = 1024
BUTTON_LABEL = 80
OPTION = 100  # a select option, an autocomplete choice's name and value

MAX_TOPIC_CHARS = 64  # listed in option lists, fields and commands (`/quiz topic:...`)
MAX_TITLE_CHARS = EMBED_TITLE  # a bank file's title
MAX_CHOICE_CHARS = BUTTON_LABEL  # an mcq choice: short enough to be a button's label
# A short answer is shown at the reveal in one embed field and typed into the answer form's
# box, which holds this many characters: a longer answer could be neither shown nor given.
# (Red's lists have answers of up to 376 characters.)
REPLY_BOX = 1000
MAX_ANSWER_CHARS = REPLY_BOX  # an accepted or rejected short answer
MAX_PHRASING_CHARS = OPTION  # a keypoint phrasing
MAX_TAG_CHARS = 64

Problem = tuple[tuple[str | int, ...], str]  # (the field's path in the item, what is wrong)


def _long(text: str, limit: int, why: str) -> str | None:
    if len(text) <= limit:
        return None
    return f"is {len(text):,} characters long; keep it to {limit} ({why})"


def topic_problem(topic: str) -> str | None:
    """What is wrong with a topic name's length, if anything."""
    problem = _long(topic, MAX_TOPIC_CHARS, "topics are listed in option lists of 100")
    return f"topic {problem}" if problem else None


def title_problem(title: str) -> str | None:
    problem = _long(title, MAX_TITLE_CHARS, "Discord's longest embed title")
    return f"title {problem}" if problem else None


def problems(item: Item) -> Iterator[Problem]:
    """Every part of ``item`` that would not fit where it is shown."""
    if isinstance(item, McqItem):
        for index, choice in enumerate(item.choices):
            problem = _long(choice, MAX_CHOICE_CHARS, "a choice must fit on a button")
            if problem:
                yield ("choices", index), problem
    if isinstance(item, ShortItem):
        for key, texts in (("answers", item.answers), ("reject", item.reject)):
            for index, text in enumerate(texts):
                problem = _long(text, MAX_ANSWER_CHARS, "the answer box holds that many")
                if problem:
                    yield (key, index), problem
    if isinstance(item, KeypointsItem):
        for index, point in enumerate(item.points):
            for number, phrasing in enumerate(point):
                problem = _long(phrasing, MAX_PHRASING_CHARS, "a phrasing is a few words")
                if problem:
                    yield ("points", index, number), problem
        shown = len(summary_of_points(item))
        if shown > EMBED_FIELD:
            yield (
                ("points",),
                (
                    f"the first phrasings of the points add up to {shown:,} characters at the "
                    f"reveal; keep them to {EMBED_FIELD} (one embed field): shorten them"
                ),
            )
    for index, tag in enumerate(item.tags):
        problem = _long(tag, MAX_TAG_CHARS, "a tag is a word or two")
        if problem:
            yield ("tags", index), problem


def summary_of_points(item: KeypointsItem) -> str:
    """The reveal's list of points (as bot/ui/question.py writes it), for its length: under
    the longest heading it may have."""
    total = len(item.points)
    heading = max(
        f"A strong answer covers {total} of these {total} points:",
        f"A strong answer covers all {total} of these points:",
        key=len,
    )
    return heading + "\n" + "\n".join(f"• {p[0]}" for p in item.points)


# A prompt and all its choices share one embed description: the limits above keep it inside.
assert MAX_TEXT_CHARS + len(LETTERS) * (MAX_CHOICE_CHARS + 8) < EMBED_DESCRIPTION
