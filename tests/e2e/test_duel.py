"""Duels through the real bot: challenges, rounds on a fake clock, ratings, restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cogs import rating as glicko
from cogs.duel.match import round_points
from offline import Call, FakeChannel, FakeMember, OfflineDiscord
from tests.helpers import START, TEST_BANK, accept, challenge, rounds_in


@pytest.fixture
async def arena(tmp_path: Path) -> AsyncIterator[OfflineDiscord]:
    async with OfflineDiscord(db_path=tmp_path / "q.db", bank=str(TEST_BANK), start=START) as d:
        yield d


async def rating_row(d: OfflineDiscord, member: FakeMember) -> tuple[float, ...] | None:
    row = await d.db.fetchone(
        "SELECT rating, rd, volatility, wins, losses, draws FROM ratings WHERE user_id = ?",
        (member.id,),
    )
    return tuple(row) if row else None


async def test_only_the_challenged_member_can_accept(arena: OfflineDiscord) -> None:
    alice, bob, carol = arena.member("alice"), arena.member("bob"), arena.member("carol")
    reply = await challenge(arena, alice, bob)
    assert not reply.ephemeral and "challenges" in reply.text
    assert [b["label"] for b in reply.message.buttons()] == ["Accept", "Decline"]
    for intruder in (carol, alice):
        nope = await arena.click(intruder, reply.message, label="Accept")
        assert nope.ephemeral and "isn't your duel" in nope.content


async def test_decline(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    await arena.click(bob, reply.message, label="Decline")
    assert "declined" in reply.message.text()
    assert all(b.get("disabled") for b in reply.message.buttons())


async def test_challenge_expires_after_two_minutes(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    await arena.advance(seconds=119)
    assert "expired" not in reply.message.text()
    await arena.advance(seconds=2)
    assert "expired" in reply.message.text()
    assert all(b.get("disabled") for b in reply.message.buttons())
    again = await challenge(arena, alice, bob)  # both are free again
    assert "challenges" in again.text


@pytest.mark.parametrize(
    ("who", "options", "message"),
    [
        ("self", {}, "can't duel yourself"),
        ("bot", {}, "Bots don't duel"),
        ("bob", {"topic": "t-quick", "rounds": 5}, "not enough for 5 rounds"),
        ("bob", {"topic": "astrology"}, "Unknown topic"),
    ],
)
async def test_refusals(arena: OfflineDiscord, who: str, options: dict, message: str) -> None:
    alice = arena.member("alice")
    target = {
        "self": alice,
        "bot": arena.guild.members[arena.world.bot_user.id],
        "bob": arena.member("bob"),
    }[who]
    reply = await challenge(arena, alice, target, **options)
    assert reply.ephemeral and message in reply.content


async def test_someone_already_in_a_duel_is_refused(arena: OfflineDiscord) -> None:
    alice, bob, carol = arena.member("alice"), arena.member("bob"), arena.member("carol")
    await challenge(arena, alice, bob)
    busy = await challenge(arena, carol, bob)
    assert busy.ephemeral and "bob is already in a duel" in busy.content
    busy_self = await challenge(arena, alice, carol)
    assert busy_self.ephemeral and "You are already in a duel" in busy_self.content


async def play_round(
    d: OfflineDiscord, thread: FakeChannel, moves: list[tuple[FakeMember, float, str]]
) -> None:
    """Each move: who answers, how many seconds after the round started, which button."""
    message = rounds_in(d, thread)[-1]
    elapsed = 0.0
    for member, at, label in sorted(moves, key=lambda m: m[1]):
        await d.advance(seconds=at - elapsed)
        elapsed = at
        ack = await d.click(member, message, label=label)
        assert ack.ephemeral and "Locked in" in ack.content


async def test_full_five_round_match_with_exact_points_and_rating(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    thread = await accept(arena, reply, bob)
    assert thread.name == "Duel: alice vs bob"
    plan = [  # (alice seconds, alice button, bob seconds, bob button)
        (4, "True", 10, "True"),
        (2, "True", 1, "False"),
        (10, "True", 5, "True"),
        (6, "False", 8, "True"),
        (1, "True", 19, "True"),
    ]
    for a_at, a_label, b_at, b_label in plan:
        await play_round(arena, thread, [(alice, a_at, a_label), (bob, b_at, b_label)])
    expected_alice = sum(round_points(lab == "True", at, 20) for at, lab, _, _ in plan)
    expected_bob = sum(round_points(lab == "True", at, 20) for _, _, at, lab in plan)
    assert (expected_alice, expected_bob) == (900 + 950 + 750 + 0 + 975, 750 + 0 + 875 + 800 + 525)
    final = arena.messages(thread)[-1].text()
    assert "alice wins" in final
    assert "3575 points" in final and "2950 points" in final
    new_alice, new_bob = glicko.duel(glicko.Rating(), glicko.Rating(), 1.0)
    a, b = await rating_row(arena, alice), await rating_row(arena, bob)
    assert a is not None and b is not None
    assert a[:3] == pytest.approx((new_alice.rating, new_alice.rd, new_alice.volatility))
    assert b[:3] == pytest.approx((new_bob.rating, new_bob.rd, new_bob.volatility))
    assert a[3:] == (1, 0, 0) and b[3:] == (0, 1, 0)
    assert f"1500? → {new_alice.shown()} (+{new_alice.rating - 1500:.0f})" in final
    history = await arena.slash(alice, "duel history")
    assert "won 3575-2950" in history.text
    rating = await arena.slash(bob, "duel rating")
    assert new_bob.shown() in rating.text and "0W 1L 0D" in rating.text


async def test_a_round_closes_after_the_round_time(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    await play_round(arena, thread, [(alice, 3, "True")])
    assert len(rounds_in(arena, thread)) == 1
    await arena.advance(seconds=17)
    assert len(rounds_in(arena, thread)) == 2
    result = next(m for m in arena.messages(thread) if m.embeds[0].title.startswith("Round 1:"))
    assert "no answer, 0" in result.text() and "right in 3.0 s, +925" in result.text()


async def test_late_or_repeated_answers_are_refused(arena: OfflineDiscord) -> None:
    alice, bob, carol = arena.member("alice"), arena.member("bob"), arena.member("carol")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    first = rounds_in(arena, thread)[-1]
    await arena.click(alice, first, label="True")
    again = await arena.click(alice, first, label="False")
    assert "already answered this round" in again.content
    outsider = await arena.click(carol, first, label="True")
    assert "isn't your duel" in outsider.content
    await arena.click(bob, first, label="True")
    late = await arena.click(alice, first, label="True")  # round 1 is over now
    assert "This round is over" in late.content


async def test_draw(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob, rounds=3), bob)
    for _ in range(3):
        await play_round(arena, thread, [(alice, 5, "True"), (bob, 5, "True")])
    assert "Draw!" in arena.messages(thread)[-1].text()
    assert (await rating_row(arena, alice))[3:] == (0, 0, 1)


async def test_forfeit(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    await play_round(arena, thread, [(alice, 2, "True"), (bob, 2, "True")])
    reply = await arena.slash(bob, "duel forfeit")
    assert reply.ephemeral and "forfeited" in reply.content
    assert "alice wins by forfeit" in arena.messages(thread)[-1].text()
    assert (await rating_row(arena, bob))[3:] == (0, 1, 0)
    nothing = await arena.slash(bob, "duel forfeit")
    assert "no running duel and no challenge waiting" in nothing.content


@pytest.mark.parametrize("command", ["duel cancel", "duel forfeit"])
async def test_a_challenger_can_withdraw_a_pending_challenge(
    arena: OfflineDiscord, command: str
) -> None:
    alice, bob, carol = arena.member("alice"), arena.member("bob"), arena.member("carol")
    reply = await challenge(arena, alice, bob)
    busy = await challenge(arena, alice, carol)
    assert "/duel forfeit" in busy.content and "withdraws a challenge" in busy.content
    # The challenged member cannot withdraw it for them, and is pointed at the buttons.
    if command == "duel cancel":
        theirs = await arena.slash(bob, command)
        assert theirs.ephemeral and "no challenge waiting" in theirs.content
    else:
        theirs = await arena.slash(bob, command)
        assert theirs.ephemeral and "Accept or Decline" in theirs.content
    withdrawn = await arena.slash(alice, command)
    assert withdrawn.ephemeral and "You withdrew your challenge" in withdrawn.content
    assert "withdrew the challenge" in reply.message.text()
    assert all(b.get("disabled") for b in reply.message.buttons())
    again = await challenge(arena, alice, carol)  # free to challenge someone else
    assert not again.ephemeral and "challenges" in again.text
    await arena.advance(seconds=130)  # the withdrawn challenge's expiry does not fire later
    assert "expired" not in reply.message.text()


async def test_cancel_after_the_duel_started_points_to_forfeit(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    await accept(arena, await challenge(arena, alice, bob), bob)
    reply = await arena.slash(alice, "duel cancel")
    assert reply.ephemeral and "`/duel forfeit` gives it up" in reply.content


async def test_a_player_who_never_answers_loses_by_forfeit(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob, rounds=3), bob)
    for _ in range(3):
        await play_round(arena, thread, [(alice, 1, "False")])  # wrong, but present
        await arena.advance(seconds=20)
    assert "alice wins by forfeit" in arena.messages(thread)[-1].text()


async def test_abandoned_when_nobody_answers_two_rounds(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    await arena.advance(seconds=41)
    assert "abandoned" in arena.messages(thread)[-1].text()
    assert await rating_row(arena, alice) is None and await rating_row(arena, bob) is None
    assert len(rounds_in(arena, thread)) == 2


async def test_restart_mid_match_cancels_cleanly(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    thread = await accept(arena, await challenge(arena, alice, bob), bob)
    await play_round(arena, thread, [(alice, 2, "True"), (bob, 3, "True")])
    await arena.restart()
    notice = arena.messages(thread)[-1]
    assert "interrupted" in notice.content and "cancelled" in notice.content
    assert f"<@{alice.id}>" in notice.content and f"<@{bob.id}>" in notice.content
    assert await rating_row(arena, alice) is None
    late = await arena.click(alice, rounds_in(arena, thread)[-1], label="True")
    assert "This round is over" in late.content
    again = await challenge(arena, alice, bob)
    assert "challenges" in again.text


async def test_pending_challenge_survives_a_restart(arena: OfflineDiscord) -> None:
    alice, bob = arena.member("alice"), arena.member("bob")
    reply = await challenge(arena, alice, bob)
    await arena.restart()
    thread = await accept(arena, reply, bob)
    assert len(rounds_in(arena, thread)) == 1


async def test_30_concurrent_duels_finish_with_consistent_ratings(arena: OfflineDiscord) -> None:
    players = [arena.member(f"p{i}") for i in range(60)]
    pairs = list(zip(players[::2], players[1::2], strict=True))
    challenges = await asyncio.gather(*(challenge(arena, a, b, rounds=3) for a, b in pairs))
    threads = await asyncio.gather(
        *(accept(arena, reply, b) for reply, (_, b) in zip(challenges, pairs, strict=True))
    )

    async def play(a: FakeMember, b: FakeMember, thread: FakeChannel) -> None:
        for _ in range(3):
            message = rounds_in(arena, thread)[-1]
            await arena.click(a, message, label="True")
            await arena.click(b, message, label="False")

    await asyncio.gather(*(play(a, b, t) for (a, b), t in zip(pairs, threads, strict=True)))
    winner, loser = glicko.duel(glicko.Rating(), glicko.Rating(), 1.0)
    for a, b in pairs:
        assert (await rating_row(arena, a)) == pytest.approx(
            (winner.rating, winner.rd, winner.volatility, 1, 0, 0)
        )
        assert (await rating_row(arena, b)) == pytest.approx(
            (loser.rating, loser.rd, loser.volatility, 0, 1, 0)
        )
    assert await arena.db.fetchval("SELECT count(*) FROM duels WHERE state = 'finished'") == 30


async def test_duels_ending_together_post_every_last_round_before_any_card(
    arena: OfflineDiscord,
) -> None:
    # Result cards are drawn one at a time; a round result that waited for its duel's card
    # would reach the last of several duels ending together only after the others' cards.
    players = [arena.member(f"q{i}") for i in range(8)]
    pairs = list(zip(players[::2], players[1::2], strict=True))
    challenges = await asyncio.gather(*(challenge(arena, a, b, rounds=3) for a, b in pairs))
    threads = await asyncio.gather(
        *(accept(arena, reply, b) for reply, (_, b) in zip(challenges, pairs, strict=True))
    )
    for _ in range(3):
        finals = [rounds_in(arena, thread)[-1] for thread in threads]
        for (a, _), message in zip(pairs, finals, strict=True):
            await arena.click(a, message, label="True")
        await asyncio.gather(
            *(arena.click(b, m, label="False") for (_, b), m in zip(pairs, finals, strict=True))
        )
    thread_ids = {str(thread.id) for thread in threads}
    route = "POST /channels/{channel_id}/messages"
    posts = [c for c in arena.calls if c.route == route and c.params["channel_id"] in thread_ids]

    def titled(call: Call, prefix: str) -> bool:
        embeds = (call.json or {}).get("embeds") or []
        return bool(embeds) and str(embeds[0].get("title", "")).startswith(prefix)

    last_results = [c for c in posts if titled(c, "Round 3:")]
    boards = [c for c in posts if c.files]
    assert len(last_results) == len(boards) == len(pairs)  # every board came with its card
    assert max(c.at for c in last_results) < min(c.at for c in boards)
