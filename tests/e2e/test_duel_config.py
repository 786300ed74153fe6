"""A Red list's CONFIG in duels (and the daily reveal), through the real bot on a fake clock.

The lists are our own small fixtures in tests/fixtures/red-config, imported with /bank import;
each test plays a duel drawn from them and reads what the players see in the thread.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from offline import FakeChannel, FakeMember, FakeMessage, OfflineDiscord, Reply
from tests.helpers import accept, import_file, mod, next_post, reveals, rounds_in, setup_daily

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "red-config"


def answers_of(*names: str) -> dict[str, str]:
    """Each fixture question's first listed answer, by prompt."""
    found: dict[str, str] = {}
    for name in names:
        data = yaml.safe_load((LISTS / f"{name}.yaml").read_text(encoding="utf-8"))
        found.update({q: str(a[0]) for q, a in data.items() if q not in ("AUTHOR", "CONFIG")})
    return found


async def import_list(d: OfflineDiscord, name: str) -> Reply:
    return await import_file(d, f"{name}.yaml", (LISTS / f"{name}.yaml").read_bytes())


async def duel_on(
    d: OfflineDiscord, topic: str | None, rounds: int = 3
) -> tuple[FakeMember, FakeMember, FakeChannel, Reply]:
    """Alice challenges Bob on ``topic`` (None: the server's pool), Bob accepts."""
    alice, bob = d.member("alice"), d.member("bob")
    options: dict[str, object] = {"member": bob, "rounds": rounds}
    if topic is not None:
        options["topic"] = topic
    reply = await d.slash(alice, "duel challenge", **options)
    assert not reply.ephemeral, reply.content
    return alice, bob, await accept(d, reply, bob), reply


async def answer(d: OfflineDiscord, member: FakeMember, message: FakeMessage, text: str) -> Reply:
    opened = await d.click(member, message, label="Answer")
    assert opened.modal is not None
    ack = await d.submit_modal(member, opened, answer=text)
    assert ack.ephemeral and "Locked in" in ack.content, ack.content
    return ack


def results(d: OfflineDiscord, thread: FakeChannel) -> list[FakeMessage]:
    return [
        m for m in d.messages(thread) if m.embeds and re.match(r"Round \d+:", m.embeds[0].title)
    ]


def field(message: FakeMessage, name: str) -> str | None:
    return next((f.value for f in message.embeds[0].fields if f.name == name), None)


def prompt(message: FakeMessage) -> str:
    return message.embeds[0].description or ""


# -- delay: the round's answer window -----------------------------------------------------------


async def test_a_lists_delay_is_the_rounds_window_and_scales_its_points(
    server: OfflineDiscord,
) -> None:
    await import_list(server, "long-rounds")
    right = answers_of("long-rounds")
    alice, bob, thread, challenge = await duel_on(server, "long-rounds")
    assert "3 rounds, 45 s each" in challenge.message.text()
    started = int(server.clock.time())
    [first] = rounds_in(server, thread)
    assert field(first, "Time") == f"45 s, closes <t:{started + 45}:R>"
    await server.advance(seconds=22.5)
    await answer(server, alice, first, right[prompt(first)])  # half the window: 750, not 0
    await server.advance(seconds=21.5)  # 44 s in: still open, past our 20 s default
    assert results(server, thread) == [] and len(rounds_in(server, thread)) == 1
    await server.advance(seconds=1)
    [result] = results(server, thread)
    assert f"<@{alice.id}>: right in 22.5 s, +750" in result.text()
    assert f"<@{bob.id}>: no answer, 0" in result.text()
    assert len(rounds_in(server, thread)) == 2


async def test_a_delay_under_our_five_seconds_is_raised_to_five(server: OfflineDiscord) -> None:
    await import_list(server, "short-rounds")
    _, _, thread, _ = await duel_on(server, "short-rounds")
    [first] = rounds_in(server, thread)
    assert field(first, "Time").startswith("5 s, closes")  # the list says 4 (Red's minimum)
    await server.advance(seconds=4.5)
    assert results(server, thread) == []
    await server.advance(seconds=0.5)
    assert len(results(server, thread)) == 1


async def test_a_duel_of_mixed_lists_times_each_round_by_its_own_questions_list(
    server: OfflineDiscord,
) -> None:
    for name in ("long-rounds", "plain"):
        await import_list(server, name)
    used = await server.slash(mod(server), "bank use", topics="long-rounds, plain")
    assert used.ephemeral, used.content
    right = answers_of("long-rounds", "plain")
    slow = set(answers_of("long-rounds"))
    alice, bob, thread, challenge = await duel_on(server, None, rounds=6)
    assert "6 rounds, 20 s to 45 s each" in challenge.message.text()
    for number in range(1, 7):
        message = rounds_in(server, thread)[-1]
        assert message.embeds[0].title == f"Round {number}/6"
        expected = "45 s" if prompt(message) in slow else "20 s"
        assert field(message, "Time").startswith(f"{expected}, closes")
        await server.advance(seconds=9)
        for member in (alice, bob):
            await answer(server, member, message, right[prompt(message)])
    points = {1000 - round(500 * 9 / 45), 1000 - round(500 * 9 / 20)}  # 900 and 775
    seen = {int(m) for r in results(server, thread) for m in re.findall(r"\+(\d+)", r.text())}
    assert seen == points
    assert "Draw!" in server.messages(thread)[-1].text()


# -- reveal_answer and use_spoilers: the round's result -------------------------------------------


async def test_reveal_answer_false_hides_the_answer_only_when_nobody_got_it(
    server: OfflineDiscord,
) -> None:
    await import_list(server, "hidden-answers")
    right = answers_of("hidden-answers")
    alice, bob, thread, _ = await duel_on(server, "hidden-answers")
    first = rounds_in(server, thread)[-1]
    for member in (alice, bob):
        await answer(server, member, first, "no idea")
    [missed] = results(server, thread)
    assert missed.embeds[0].title == "Round 1: nobody got it"
    assert "keeps its answer hidden" in missed.text()
    assert right[prompt(first)] not in missed.text() and "Accepted answers" not in missed.text()
    assert f"<@{alice.id}>: wrong in 0.0 s, +0" in missed.text()

    second = rounds_in(server, thread)[-1]
    await answer(server, alice, second, right[prompt(second)])
    await answer(server, bob, second, "no idea")
    found = results(server, thread)[-1]
    assert found.embeds[0].title == f"Round 2: {right[prompt(second)]}"  # alice got it
    assert field(found, "Why") == f"Accepted answers: {right[prompt(second)]}."


async def test_without_config_nobody_right_still_shows_the_answer(server: OfflineDiscord) -> None:
    await import_list(server, "plain")
    right = answers_of("plain")
    alice, bob, thread, _ = await duel_on(server, "plain")
    first = rounds_in(server, thread)[-1]
    for member in (alice, bob):
        await answer(server, member, first, "no idea")
    [result] = results(server, thread)
    assert result.embeds[0].title == f"Round 1: {right[prompt(first)]}"


async def test_use_spoilers_puts_the_revealed_answer_behind_spoiler_tags(
    server: OfflineDiscord,
) -> None:
    await import_list(server, "spoiler-answers")
    right = answers_of("spoiler-answers")
    _, _, thread, _ = await duel_on(server, "spoiler-answers")
    first = rounds_in(server, thread)[-1]
    await server.advance(seconds=20)  # nobody answers: the answer is told, behind the tags
    [result] = results(server, thread)
    answer_text = right[prompt(first)]
    assert result.embeds[0].title == "Round 1: the answer"  # a title cannot hide a spoiler
    assert field(result, "Answer") == f"||{answer_text}||"
    assert field(result, "Why") == f"||Accepted answers: {answer_text}.||"
    assert answer_text not in result.embeds[0].title


async def test_the_daily_reveal_of_a_spoiler_list_hides_the_answer_too(
    server: OfflineDiscord,
) -> None:
    await import_list(server, "spoiler-answers")
    right = answers_of("spoiler-answers")
    channel = await setup_daily(server, topics="spoiler-answers")
    post = await next_post(server, channel)
    await server.advance(days=1)
    [reveal] = reveals(server, channel)
    answer_text = right[prompt(post)]
    assert field(reveal, "Answer") == f"||{answer_text}||"
    assert field(reveal, "Why") == f"||Accepted answers: {answer_text}.||"


# -- timeout: silence ends the duel -----------------------------------------------------------


async def test_a_lists_timeout_ends_a_silent_duel_as_abandoned(server: OfflineDiscord) -> None:
    await import_list(server, "quiet-stops")
    alice, bob, thread, _ = await duel_on(server, "quiet-stops")
    await server.advance(seconds=20)  # one silent 20 s round: past the list's 15 s
    assert len(rounds_in(server, thread)) == 1
    final = server.messages(thread)[-1].text()
    assert (
        "Duel abandoned: nobody answered for 20 s (this question's list stops after 15 s)" in final
    )
    assert "Ratings unchanged" in final
    assert await server.db.fetchone("SELECT 1 FROM ratings") is None
    again = await server.slash(alice, "duel challenge", member=bob, topic="quiet-stops", rounds=3)
    assert not again.ephemeral  # both are free


async def test_silence_counts_from_the_last_answer_right_or_wrong(server: OfflineDiscord) -> None:
    await import_list(server, "quiet-stops")
    alice, _, thread, _ = await duel_on(server, "quiet-stops")
    await server.advance(seconds=4)
    await answer(server, alice, rounds_in(server, thread)[-1], "a guess")  # wrong, but heard
    await server.advance(seconds=16)
    assert len(rounds_in(server, thread)) == 2  # a round somebody answered never ends it
    assert "abandoned" not in server.messages(thread)[-1].text()
    await server.advance(seconds=20)  # 16 s left of round 1, then a silent round 2
    assert "nobody answered for 36 s (this question's list stops after 15 s)" in (
        server.messages(thread)[-1].text()
    )


async def test_without_a_timeout_one_silent_round_does_not_end_the_duel(
    server: OfflineDiscord,
) -> None:
    await import_list(server, "plain")
    _, _, thread, _ = await duel_on(server, "plain")
    await server.advance(seconds=20)
    assert len(rounds_in(server, thread)) == 2
    await server.advance(seconds=20)  # our own rule: two silent rounds in a row
    assert "nobody answered two rounds in a row" in server.messages(thread)[-1].text()


# -- the keys that mean nothing here, and a value Red refuses ---------------------------------


async def test_max_score_and_bot_plays_change_nothing_in_a_duel(server: OfflineDiscord) -> None:
    await import_list(server, "ignored-keys")
    right = answers_of("ignored-keys")
    alice, bob, thread, _ = await duel_on(server, "ignored-keys")
    first = rounds_in(server, thread)[-1]
    await answer(server, alice, first, right[prompt(first)])  # Red would stop at max_score 1
    await server.advance(seconds=20)
    await server.advance(seconds=20)  # a silent round: Red's bot_plays would score it
    second = results(server, thread)[1]
    assert "for me" not in second.text()
    assert field(second, "Score") == f"<@{alice.id}> 1000 - 0 <@{bob.id}>"
    assert len(rounds_in(server, thread)) == 3


async def test_a_config_value_red_refuses_refuses_the_import_with_its_line(
    server: OfflineDiscord,
) -> None:
    reply = await import_list(server, "refused-delay")
    assert reply.ephemeral and "nothing imported" in reply.text
    assert "refused-delay.yaml:3: CONFIG: delay must be a number of at least 4, got 3" in (
        reply.text
    )
    listing = await server.slash(mod(server), "bank list")
    assert "refused-delay" not in listing.text
