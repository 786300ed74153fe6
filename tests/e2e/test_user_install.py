"""Practice anywhere: a member who added quizbot to their account uses /quiz, /review,
/question and /stats in DMs, group DMs and servers without the bot, on their personal record;
server commands are never offered there."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from discord import app_commands

from bank.schema import TrueFalseItem
from bot.checks import PERSONAL_SCOPE
from offline import FakeChannel, FakeMember, OfflineDiscord, OfflineError, Reply, openapi
from offline.session import body_problems
from tests.helpers import START, TEST_BANK, setup_daily

COMMANDS = "PUT /applications/{application_id}/commands"
MANAGE_GUILD = 1 << 5
ANYWHERE = {"quiz", "review", "question", "stats", "help", "mydata"}


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


def installed(d: OfflineDiscord, name: str) -> tuple[FakeMember, FakeChannel]:
    """A member of the study group who added quizbot to their account, and their DM with it."""
    member = d.member(name)
    d.add_to_account(member)
    return member, d.dm(member)


def shown_id(d: OfflineDiscord, reply: Reply) -> str:
    assert reply.message is not None and reply.message.embeds
    prompt = (reply.message.embeds[0].description or "").split("\n\n")[0]
    return next(item.id for item in d.bot.catalog if item.prompt == prompt)


def labels(reply: Reply) -> list[str]:
    assert reply.message is not None
    return [button["label"] for button in reply.message.buttons()]


async def true_false_quiz(
    d: OfflineDiscord, member: FakeMember, where: FakeChannel, *, right: bool
) -> list[Verdict]:
    """A /quiz of the three t-quick questions, each answered right (or wrong), up to the
    summary; the verdicts as shown, in order (the screen is one message, edited in place)."""
    reply = await d.slash(member, "quiz", in_channel=where, topic="t-quick", count=5)
    assert reply.ephemeral, reply.text
    verdicts = []
    while True:
        item = d.bot.catalog.get(shown_id(d, reply))
        if isinstance(item, TrueFalseItem):
            verdict = await d.click(member, reply.message, label=str(item.answer == right))
        elif item is not None and item.kind == "mcq":
            verdict = await d.click(member, reply.message, label="B" if right else "A")
        else:
            opened = await d.click(member, reply.message, label="Answer")
            text = "retrieval" if right else "reinforcement"
            verdict = await d.submit_modal(member, opened, answer=text)
        assert verdict.message is not None
        verdicts.append(Verdict(verdict.embeds[0].title or "", labels(verdict), verdict))
        nxt = "See summary" if "See summary" in labels(verdict) else "Next question"
        reply = await d.click(member, verdict.message, label=nxt)
        if nxt == "See summary":
            assert reply.embeds and "Quiz" in (reply.embeds[0].title or ""), reply.text
            return verdicts


@dataclass(frozen=True)
class Verdict:
    title: str
    buttons: list[str]
    reply: Reply


async def answers_by_scope(d: OfflineDiscord) -> dict[int, int]:
    rows = await d.db.fetchall("SELECT guild_id, count(*) FROM answers GROUP BY guild_id")
    return {row[0]: row[1] for row in rows}


# -- /quiz and /review in a DM -----------------------------------------------------------------


async def test_a_quiz_in_a_dm_counts_on_the_personal_record_only(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    verdicts = await true_false_quiz(d, alice, dm, right=True)
    assert len(verdicts) == 3
    assert all(v.reply.ephemeral and v.reply.message.channel is dm for v in verdicts)  # type: ignore[union-attr]
    assert [v.title for v in verdicts] == ["Correct"] * 3
    # No server's admins read reports made from the personal record: no button for them.
    assert all("Report question" not in v.buttons for v in verdicts)
    assert await answers_by_scope(d) == {PERSONAL_SCOPE: 3}
    # The study group's own /stats did not move.
    server_stats = await d.slash(alice, "stats")
    answers = next(f for f in server_stats.embeds[0].fields if f.name == "Answers")
    assert (answers.value or "").startswith("0 ")


async def test_the_first_question_says_it_is_personal_practice(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    reply = await d.slash(alice, "quiz", in_channel=dm, topic="t-quick", count=1)
    assert "Personal practice: your own record" in reply.content
    in_server = await d.slash(alice, "quiz", topic="t-quick", count=1)
    assert "Personal practice" not in in_server.content


async def test_review_in_a_dm_brings_back_the_cards_of_personal_practice(
    d: OfflineDiscord,
) -> None:
    alice, dm = installed(d, "alice")
    nothing = await d.slash(alice, "review", in_channel=dm)
    assert "No review cards on your personal record yet" in nothing.content
    await true_false_quiz(d, alice, dm, right=False)
    await d.advance(minutes=11)  # a missed question comes back after its 10-minute step
    review = await d.slash(alice, "review", in_channel=dm)
    assert "**3 cards** due now." in review.content, review.text
    assert review.embeds[0].title == "Review · question 1 of 3"
    # The server's review queue is its own: these cards are not in it.
    in_server = await d.slash(alice, "review")
    assert "No review cards yet" in in_server.content


async def test_practice_in_a_server_without_the_bot_is_personal_too(d: OfflineDiscord) -> None:
    elsewhere = d.server_without_bot("Elsewhere")
    carol = d.member("carol", guild=elsewhere)
    d.add_to_account(carol)
    verdicts = await true_false_quiz(d, carol, elsewhere_channel(elsewhere), right=True)
    assert len(verdicts) == 3
    assert await answers_by_scope(d) == {PERSONAL_SCOPE: 3}
    # The same member, in a DM: the same personal record.
    review = await d.slash(carol, "review", in_channel=d.dm(carol))
    assert "Nothing to review right now" in review.content, review.text


def elsewhere_channel(guild: Any) -> FakeChannel:
    return next(iter(guild.channels.values()))


async def test_a_user_install_in_a_server_with_the_bot_counts_on_the_servers_record(
    d: OfflineDiscord,
) -> None:
    alice, _ = installed(d, "alice")  # both installs apply in the study group
    await true_false_quiz(d, alice, d.channel("general"), right=True)
    assert await answers_by_scope(d) == {d.guild.id: 3}


# -- /question and fair play ---------------------------------------------------------------------


async def test_question_lookups_work_in_a_dm_without_a_report_button(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    found = await d.slash(alice, "question search", in_channel=dm, text="t-quick-mcq")
    assert found.ephemeral and "Nucleus" in found.text
    assert "Report question" not in labels(found)
    picked = await d.slash(alice, "question random", in_channel=dm, topic="t-long")
    assert picked.ephemeral and picked.embeds
    choices = await d.autocomplete(alice, "question search", "text", in_channel=dm, text="RAG")
    assert any(c["value"] == "t-quick-short" for c in choices)


async def test_personal_practice_never_shows_a_question_in_play(d: OfflineDiscord) -> None:
    await setup_daily(d, topics="t-quick")
    posted = await d.slash(d.member("mod", admin=True), "daily now")
    assert "Posted question #1" in posted.text, posted.text
    open_item = str(await d.db.fetchval("SELECT item_id FROM daily_posts"))
    alice, dm = installed(d, "alice")
    refused = await d.slash(alice, "question search", in_channel=dm, text=open_item)
    assert refused.ephemeral and "in play right now" in refused.content
    reply = await d.slash(alice, "quiz", in_channel=dm, topic="t-quick", count=5)
    assert "Only 2 questions match" in reply.content
    seen = []
    for _ in range(2):
        seen.append(shown_id(d, reply))
        item = d.bot.catalog.get(seen[-1])
        if isinstance(item, TrueFalseItem):
            verdict = await d.click(alice, reply.message, label=str(item.answer))
        elif item is not None and item.kind == "mcq":
            verdict = await d.click(alice, reply.message, label="B")
        else:
            opened = await d.click(alice, reply.message, label="Answer")
            verdict = await d.submit_modal(alice, opened, answer="retrieval")
        reply = await d.click(alice, verdict.message, label=labels(verdict)[0])
    assert open_item not in seen


# -- /stats ------------------------------------------------------------------------------------


async def test_stats_in_a_dm_show_personal_practice(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    empty = await d.slash(alice, "stats", in_channel=dm)
    assert empty.ephemeral and empty.embeds[0].title == "alice: personal practice"
    assert "run `/quiz` here to start" in empty.text
    await true_false_quiz(d, alice, dm, right=True)
    card = await d.slash(alice, "stats", in_channel=dm)
    embed = card.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Answers"] == "3 (100% right)"
    assert fields["By topic"] == "t-quick: 3/3 (100%)"
    # Points, streaks and ratings exist only in servers: not shown as zeros here.
    assert "Points" not in fields and "Streak" not in fields
    assert "run `/stats` there" in (embed.description or "")
    assert [f.filename for f in card.files] == ["stats.png"]
    assert card.files[0].data.startswith(b"\x89PNG")


async def test_someone_elses_personal_record_stays_theirs(d: OfflineDiscord) -> None:
    elsewhere = d.server_without_bot("Elsewhere")
    carol, dave = d.member("carol", guild=elsewhere), d.member("dave", guild=elsewhere)
    d.add_to_account(carol)
    refused = await d.slash(carol, "stats", member=dave)
    assert refused.ephemeral and "personal record is its owner's alone" in refused.content


# -- where Discord offers what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("daily now", {}),
        ("duel challenge", {"opponent": "bob"}),
        ("leaderboard", {}),
        ("bank list", {}),
        ("data export", {}),
        ("report", {"question": "t-quick-mcq", "reason": "typo"}),
    ],
)
async def test_server_commands_are_not_offered_outside_servers(
    d: OfflineDiscord, command: str, options: dict[str, Any]
) -> None:
    alice, dm = installed(d, "alice")
    if "opponent" in options:
        options = {"opponent": d.member("bob")}
    elsewhere = d.server_without_bot("Elsewhere")
    alice_elsewhere = d.member("alice", guild=elsewhere)
    group = d.private_channel(alice, d.member("bob"), d.member("carol"))
    places = ((alice, dm), (alice_elsewhere, elsewhere_channel(elsewhere)), (alice, group))
    for member, where in places:
        with pytest.raises(OfflineError, match="Discord does not offer"):
            await d.slash(member, command, in_channel=where, **options)
    # Nothing reached the bot: not one interaction was delivered.
    assert not d.world.interactions


async def test_practice_outside_servers_needs_the_members_own_install(d: OfflineDiscord) -> None:
    alice, bob = d.member("alice"), d.member("bob")
    group = d.private_channel(alice, bob)
    with pytest.raises(OfflineError, match="no install of the app applies"):
        await d.slash(alice, "quiz", in_channel=group)
    d.add_to_account(alice)
    reply = await d.slash(alice, "quiz", in_channel=group, topic="t-quick", count=1)
    assert reply.ephemeral and reply.embeds[0].title == "Quiz · question 1 of 1"


async def test_without_user_installs_a_dm_with_the_bot_still_practises(tmp_path: Path) -> None:
    """With "User Install" off in the Developer Portal, the server's install still offers the
    practice commands in a DM with the bot (on the personal record), and nothing elsewhere."""
    async with OfflineDiscord(
        db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START, user_install=False
    ) as d:
        alice = d.member("alice")
        d.add_to_account(alice)  # not possible for real; it must make no difference
        await true_false_quiz(d, alice, d.dm(alice), right=True)
        assert await answers_by_scope(d) == {PERSONAL_SCOPE: 3}
        elsewhere = d.server_without_bot("Elsewhere")
        with pytest.raises(OfflineError, match="no install of the app applies"):
            await d.slash(d.member("alice", guild=elsewhere), "quiz")


async def test_help_in_a_dm_lists_what_works_there(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    reply = await d.slash(alice, "help", in_channel=dm)
    text = reply.text
    assert "personal record" in text
    for command in ("/quiz", "/review", "/question search", "/stats", "/mydata export"):
        assert f"`{command}`" in text
    for command in ("/daily", "/duel", "/leaderboard", "/bank", "/data", "/report"):
        assert f"`{command} " not in text and f"`{command}`" not in text
    in_server = await d.slash(alice, "help")
    assert "Practice anywhere" in in_server.text and "`/duel challenge`" in in_server.text


# -- /mydata --------------------------------------------------------------------------------------


async def test_mydata_exports_and_forgets_the_personal_record_only(d: OfflineDiscord) -> None:
    alice, dm = installed(d, "alice")
    bob, bob_dm = installed(d, "bob")
    await true_false_quiz(d, alice, dm, right=True)
    await true_false_quiz(d, bob, bob_dm, right=True)
    await true_false_quiz(d, alice, d.channel("general"), right=True)  # the server's record

    exported = await d.slash(alice, "mydata export", in_channel=dm)
    assert exported.ephemeral and "Your personal record" in exported.content
    lines = [json.loads(x) for x in exported.files[0].data.decode().splitlines()]
    assert {r["record"] for r in lines} >= {"answer", "review_card", "member"}
    assert {r["user_id"] for r in lines} == {alice.id}
    assert sum(r["record"] == "answer" for r in lines) == 3

    asked = await d.slash(alice, "mydata forget", in_channel=dm)
    assert "This cannot be undone" in asked.content
    done = await d.click(alice, asked.message, label="Delete")
    assert "Deleted your personal record: 3 answers, 3 review cards" in done.content, done.text
    assert await answers_by_scope(d) == {PERSONAL_SCOPE: 3, d.guild.id: 3}  # bob's, the server's
    assert (
        "No review cards on your personal record yet"
        in (await d.slash(alice, "review", in_channel=dm)).content
    )


# -- the registered commands --------------------------------------------------------------------


def spec_values(schema_name: str) -> set[int]:
    schema = openapi.document()["components"]["schemas"][schema_name]
    return {option["const"] for option in schema["oneOf"]}


def runs_only_for_admins(command: app_commands.Command[Any, ..., Any]) -> bool:
    return any("has_permissions" in check.__qualname__ for check in command.checks)


async def test_the_registered_commands_say_where_each_works(d: OfflineDiscord) -> None:
    """What the fake received in the bulk overwrite (validated against Discord's OpenAPI
    description on the way in): user installs and every context on the practice commands,
    server install and server context on the rest, Manage Server on every admin command."""
    await d.bot.tree.sync()
    put = [c for c in d.calls if c.route == COMMANDS][-1]
    assert put.status == 200 and not d.violations
    schema = openapi.request_schema(COMMANDS)
    assert schema is not None and openapi.validator().check(schema, put.json) == []
    registered = {entry["name"]: entry for entry in put.json}
    assert registered.keys() >= ANYWHERE
    contexts, installs = (
        spec_values("InteractionContextType"),
        spec_values("ApplicationIntegrationType"),
    )
    assert contexts == {0, 1, 2} and installs == {0, 1}
    for name, entry in registered.items():
        if name in ANYWHERE:
            assert sorted(entry["integration_types"]) == [0, 1], name
            assert sorted(entry["contexts"]) == [0, 1, 2], name
        else:
            assert entry["integration_types"] == [0], name
            assert entry["contexts"] == [0], name
    admin_roots = {
        (c.root_parent or c).name
        for c in d.bot.tree.walk_commands()
        if isinstance(c, app_commands.Command) and runs_only_for_admins(c)
    }
    assert admin_roots and not admin_roots & ANYWHERE
    for name in admin_roots:
        assert int(registered[name]["default_member_permissions"]) == MANAGE_GUILD, name


def test_the_fake_refuses_a_context_or_install_type_discord_does_not_know() -> None:
    good = {"name": "quiz", "description": "Practise", "contexts": [0, 1, 2]}
    assert body_problems(COMMANDS, [dict(good, integration_types=[0, 1])]) == []
    assert body_problems(COMMANDS, [dict(good, contexts=[3])])
    assert body_problems(COMMANDS, [dict(good, integration_types=[2])])
    assert body_problems(COMMANDS, [dict(good, contexts=[])])  # at least one, says the spec
