"""Scripted sandbox sessions on the real bot, run in-process through the ``--script`` runner."""

from __future__ import annotations

import logging
from pathlib import Path

import discord
import pytest

from sandbox import Sandbox, SandboxError
from sandbox.completion import suggest
from sandbox.events import Change, Shown
from tests.conftest import ThreadsBefore
from tests.sandbox.conftest import TEST_BANK, play

GOOD_DIFFUSION_ANSWER = (
    "You add noise to images, the network learns to denoise, and sampling starts from pure noise."
)


async def test_daily_setup_post_answers_and_reveal(sandbox: Sandbox) -> None:
    status, out = await play(
        sandbox,
        f"""
        as mod --admin
        /daily setup channel:#daily time:09:00 timezone:UTC topics:t-long
        in #daily
        wait 1h1m
        as alice
        click Answer
        answer {GOOD_DIFFUSION_ANSWER}
        as bob
        click Answer
        answer It is a kind of GAN with a discriminator.
        wait 1d
        as alice
        click "My result"
        """,
    )
    assert status == 0, out
    assert "you are mod (a new member, can manage the server)" in out
    assert "Daily question set: #daily at 09:00 UTC" in out
    assert "(only you can see this)" in out
    assert "⏱ 1 hour 1 minute later: Mon 5 Jan 2026 09:01:00 UTC" in out
    assert "╭─ Daily question #1 " in out and "[Answer]" in out
    assert "📝 a form opens: Daily question #1" in out
    assert out.count("Answer recorded") == 2
    assert "Daily question #1: the answer" in out and "2 (50% right)" in out
    assert "First correct" in out and "@alice" in out
    assert 'updated the buttons of "Daily question #1" in #daily: [Answer]  (disabled)' in out
    assert "🧵 quizbot opened the thread #Daily #1: discussion in #daily" in out
    assert "Correct" in out.split('click "My result"')[1]
    assert sandbox.prompt == "alice@#daily"


async def test_a_full_duel_in_its_thread(sandbox: Sandbox) -> None:
    rounds = "\n".join(["as alice", "click True", "as bob", "click False"] * 3)
    status, out = await play(
        sandbox,
        f"""
        as bob
        as alice
        /duel challenge member:@bob rounds:3 topic:t-rotation
        as bob
        click Accept
        {rounds}
        /duel rating member:@alice
        """,
    )
    assert status == 0, out
    assert "challenges @bob to a 3-round duel" in out
    assert "[Accept] [Decline]  (disabled)" in out  # the challenge, edited at the accept
    assert "; you follow it (in #general to go back)" in out
    assert sandbox.here.is_thread
    assert "Round 3/3" in out and "alice wins" in out
    assert "1W 0L 0D" in out


async def test_leaderboard_and_stats_with_its_card_saved(sandbox: Sandbox, tmp_path: Path) -> None:
    status, out = await play(
        sandbox,
        """
        as mod --admin
        /daily setup channel:#daily time:09:00 timezone:UTC topics:t-rotation
        wait 1h1m
        as alice
        click True
        wait 1d
        /leaderboard period:all
        /stats
        """,
    )
    assert status == 0, out
    assert 'clicking [True] on "Daily question #1" in #daily' in out  # found outside #general
    assert "# 1 alice · 11 pts" in out
    assert "╭─ alice: stats" in out and "🖼 image: stats.png (file below)" in out
    (card,) = (tmp_path / "files").glob("*-stats.png")  # /leaderboard may save its own
    assert card.read_bytes()[:4] == b"\x89PNG"
    assert "📎 stats.png" in out and f"saved to {card}" in out


async def test_leaderboard_pages_turn_in_place(sandbox: Sandbox) -> None:
    answers = "\n".join(f"as m{i:02}\nclick True" for i in range(11))
    status, out = await play(
        sandbox,
        f"""
        as mod --admin
        /daily setup channel:#general time:09:00 timezone:UTC topics:t-rotation
        wait 1h1m
        {answers}
        wait 1d
        /leaderboard period:all
        click ▶
        """,
    )
    assert status == 0, out
    first, turned = out.split("click ▶")
    assert "page 1/2" in first and "[◀] [▶]  (disabled: ◀)" in first
    assert "· edited" in turned and "# 1 m10 · 11 pts" in turned  # eleven tie for first
    assert "page 2/2" in turned and "[◀] [▶]  (disabled: ▶)" in turned


ERROR_LINES = [
    ("/duel challenge member:@nobody", "no member @nobody (members: alice, quizbot)"),
    ("/daily setup channel:#daily time:09:00", "needs timezone: /daily setup channel:#channel"),
    ("/duel challenge member:@alice rounds:many", "rounds: expected a whole number"),
    ("/duel challenge member:@alice rounds:99", "rounds: must be at most 10"),
    ("/duel challenge member:@alice pace:fast", "has no option pace"),
    ("/daily setup channel:#daily time:9 timezone:UTC reveal:later", "not one of"),
    ("/leaderbord", "did you mean /leaderboard?"),
    ("/duel", "/duel needs a subcommand"),
    ("click Accept", "no button [Accept] that alice can see"),
    ("answer hello", "no form is open for alice"),
    ("in #Not A Channel", "no channel or thread #Not A Channel"),
    ("dance", "unknown command 'dance'"),
]


async def test_an_error_line_stops_the_script_naming_its_line(sandbox: Sandbox) -> None:
    # One session for every case (none changes the world), to keep the suite quick.
    for line, message in ERROR_LINES:
        status, out = await play(sandbox, f"# a comment\n\nas alice\n{line}\nas zed")
        assert status == 1, line
        error = " ".join(out.split()).split("✗ test, line 4: ")[1]
        assert message in error, (line, error)
        assert "zed" not in sandbox.member_names()  # nothing after the error ran


async def test_a_bot_error_is_a_problem_that_fails_the_script(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> dict[str, list[str]]:
        raise RuntimeError("help is broken")

    monkeypatch.setattr("cogs.help.cog.command_lines", broken)
    status, out = await play(sandbox, "/help\n/help")
    assert status == 1
    assert "✗ the bot logged an error" in out and "help is broken" in out
    assert "test, line 1: stopped here" in out


async def test_a_call_discord_would_refuse_fails_the_script(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    too_long = discord.Embed(title="x" * 300)  # Discord takes 256 characters at most
    monkeypatch.setattr("cogs.help.cog.brand_embed", lambda title, text: too_long)
    status, out = await play(sandbox, "/help")
    assert status == 1
    assert "Discord would have refused a call" in out and "256 or fewer" in out


async def test_warnings_of_the_bot_are_shown_not_fatal(sandbox: Sandbox) -> None:
    logging.getLogger("cogs.daily.cog").warning("a post was skipped")
    result = await sandbox.run_line("help")
    assert result is not None and result.ok
    assert any(getattr(e, "text", "") == "a post was skipped" for e in result.events)


async def test_members_channels_and_admin(sandbox: Sandbox) -> None:
    await sandbox.run_line("as carol")
    refused = await sandbox.run_line("/daily status")
    assert refused is not None and "Manage Server" in _texts(refused)
    await sandbox.run_line("as carol --admin")  # an existing member can be made admin
    allowed = await sandbox.run_line("/daily status")
    assert allowed is not None and "Manage Server" not in _texts(allowed)
    await sandbox.run_line("in #random")
    assert sandbox.prompt == "carol@#random"
    assert "random" in sandbox.channel_names()
    with pytest.raises(SandboxError, match="no member @dave"):
        await sandbox.run_line("/stats member:@dave")


async def test_a_quoted_name_with_a_space_is_one_member(sandbox: Sandbox) -> None:
    status, out = await play(
        sandbox,
        """
        as "Bob Smith"
        as alice
        /duel challenge member:"@Bob Smith" rounds:3 topic:t-rotation
        as 'Bob Smith'
        """,
    )
    assert status == 0, out
    assert "you are Bob Smith (a new member)" in out
    assert "challenges @Bob Smith to a 3-round duel" in out
    assert out.rstrip().endswith("› you are Bob Smith")  # the same member, found again
    assert sandbox.prompt == "Bob Smith@#general"
    assert [s.text for s in suggest('as "Bob', sandbox)] == ['"Bob Smith"']
    assert '"@Bob Smith" ' in [s.text for s in suggest("/stats member:", sandbox)]


async def test_a_file_option_uploads_the_file(sandbox: Sandbox, tmp_path: Path) -> None:
    bank_file = tmp_path / "mine.yaml"
    bank_file.write_text(
        "topic: mine\ntitle: Mine\nitems:\n"
        "  - {id: mine-one, kind: short, level: beginner, prompt: One?, answers: [one],\n"
        "     explanation: One.}\n"
    )
    status, out = await play(sandbox, f"as mod --admin\n/bank import file:{bank_file}\n/bank list")
    assert status == 0, out
    assert "Imported mine" in out and "imported now by @mod" in out
    status, out = await play(sandbox, "/bank import file:no/such/file.yaml")
    assert status == 1 and "cannot attach no/such/file.yaml: No such file" in out


async def test_the_sandbox_help_says_how_to_attach_a_file_and_quote_a_name(
    sandbox: Sandbox,
) -> None:
    status, out = await play(sandbox, "help")
    assert status == 0, out
    assert "file:PATH" in out and "/bank import file:my-bank.yaml" in out
    assert "as NAME [--admin]" in out and '"Two Words" quoted' in out


async def test_forms_belong_to_the_member_who_opened_them(sandbox: Sandbox) -> None:
    await sandbox.run_line("as mod --admin")
    await sandbox.run_line("/daily setup channel:#general time:09:00 timezone:UTC topics:t-long")
    await sandbox.run_line("wait 1h1m")
    await sandbox.run_line("click Answer")  # mod's form is open...
    await sandbox.run_line("as alice")
    with pytest.raises(SandboxError, match="no form is open for alice"):
        await sandbox.run_line("answer mine")  # ...but it is not alice's
    await sandbox.run_line("as mod")
    sent = await sandbox.run_line("answer adds noise, learns to denoise")
    assert sent is not None and "Answer recorded" in _texts(sent)
    with pytest.raises(SandboxError, match="no form is open for mod"):
        await sandbox.run_line("answer again")  # a form is sent once


def _texts(result: object) -> str:
    shown = [e for e in getattr(result, "events", []) if isinstance(e, Shown)]
    return "\n".join(e.message.text() for e in shown if e.change is not Change.DELETED)


async def test_a_failed_start_leaves_nothing_running(
    tmp_path: Path, failing_start: ThreadsBefore
) -> None:
    with pytest.raises(RuntimeError, match="a cog failed"):
        async with Sandbox.open(tmp_path / "s.db", tmp_path / "files", bank=TEST_BANK):
            pass
    await failing_start.check()
