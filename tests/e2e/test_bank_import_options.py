"""/bank import's level option and the AUTHOR credit in /bank list, through the real bot."""

from __future__ import annotations

from datetime import timedelta

from offline import OfflineDiscord, Reply
from tests.helpers import import_file, mod

RED_LIST = """\
AUTHOR: Ada (ada#0001)
What does LLM stand for?:
  - large language model
How many heads does the base Transformer use?:
  - 8
"""

OUR_BANK = """\
topic: our-club
items:
  - id: club-mascot
    kind: short
    level: beginner
    prompt: What animal is our study club's mascot?
    answers: [owl]
    explanation: The owl stands for late-night study sessions.
"""


async def quiz(d: OfflineDiscord, level: str) -> Reply:
    return await d.slash(d.member("alice"), "quiz", topic="llm-trivia", level=level)


def asks_a_question(reply: Reply) -> bool:
    return "What does LLM stand for?" in reply.text or "How many heads" in reply.text


async def test_a_red_list_takes_the_level_chosen_at_import_and_keeps_it(
    server: OfflineDiscord,
) -> None:
    reply = await import_file(server, "llm-trivia.yaml", RED_LIST, level="advanced")
    assert "Imported **llm-trivia**: 2 questions" in reply.content
    for _ in range(2):  # as imported, and after a restart rebuilt the catalog from the file
        assert "No questions match" in (await quiz(server, "intermediate")).content
        assert asks_a_question(await quiz(server, "advanced"))
        await server.restart(down_for=timedelta(minutes=1))


async def test_the_default_level_is_intermediate(server: OfflineDiscord) -> None:
    await import_file(server, "llm-trivia.yaml", RED_LIST)
    assert "No questions match" in (await quiz(server, "advanced")).content
    assert asks_a_question(await quiz(server, "intermediate"))


async def test_replacing_a_list_changes_its_level(server: OfflineDiscord) -> None:
    await import_file(server, "llm-trivia.yaml", RED_LIST, level="beginner")
    asked = await import_file(server, "llm-trivia.yaml", RED_LIST, level="advanced")
    await server.click(mod(server), asked, label="Replace")
    assert "No questions match" in (await quiz(server, "beginner")).content
    assert asks_a_question(await quiz(server, "advanced"))


async def test_the_bank_list_credits_each_lists_author(server: OfflineDiscord) -> None:
    await import_file(server, "llm-trivia.yaml", RED_LIST)
    await import_file(server, "our-club.yaml", OUR_BANK)
    listing = (await server.slash(mod(server), "bank list")).text
    assert "**llm-trivia**: 2 questions by Ada (ada#0001), imported" in listing
    assert "**our-club**: 1 question, imported" in listing  # no AUTHOR, no credit


async def test_our_format_keeps_its_own_levels_whatever_the_option(
    server: OfflineDiscord,
) -> None:
    await import_file(server, "our-club.yaml", OUR_BANK, level="advanced")
    beginner = await server.slash(server.member("alice"), "quiz", topic="our-club",
                                  level="beginner")  # fmt: skip
    assert "mascot" in beginner.text
