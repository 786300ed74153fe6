"""Tab completion against the live bot: commands from its tree, options, members, channels,
buttons on screen, and the bot's own autocomplete (time zones)."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from sandbox import Sandbox
from sandbox.completion import SandboxCompleter, option_in_progress, suggest


def texts(line: str, sandbox: Sandbox) -> list[str]:
    return [s.text for s in suggest(line, sandbox)]


async def test_first_word_offers_sandbox_words_and_commands(sandbox: Sandbox) -> None:
    assert texts("cl", sandbox) == ["click "]  # a space: what follows comes next
    assert {"as ", "in ", "wait ", "help", "quit", "/help ", "/daily setup "} <= set(
        texts("", sandbox)
    )


async def test_command_names_then_options(sandbox: Sandbox) -> None:
    assert texts("/dai", sandbox)[:2] == ["daily now ", "daily pause "]
    assert "duel challenge " in texts("/duel c", sandbox)
    options = suggest("/duel challenge ", sandbox)
    assert [s.text for s in options] == ["member:", "rounds:", "topic:", "level:"]
    assert options[0].meta.startswith("required: ")
    assert texts("/duel challenge member:@alice r", sandbox) == ["rounds:"]
    assert "member:" not in texts("/duel challenge member:@alice ", sandbox)


async def test_option_values_by_type(sandbox: Sandbox) -> None:
    await sandbox.run_line("as bob")
    await sandbox.run_line("in #daily")
    assert texts("/duel challenge member:", sandbox) == ["@alice ", "@bob ", "@quizbot "]
    assert texts("/duel challenge member:@b", sandbox) == ["@bob "]
    assert texts("/daily setup channel:#d", sandbox) == ["#daily "]
    assert texts("/leaderboard board:", sandbox) == ["points ", "streak ", "rating ", "accuracy "]
    completion = suggest("/leaderboard board:str", sandbox)[0]
    assert (completion.text, completion.replace) == ("streak ", 3)  # replaces only the value


async def test_members_channels_buttons_and_waits(sandbox: Sandbox) -> None:
    await sandbox.run_line("as bob")
    assert texts("as ", sandbox) == ["alice", "bob", "quizbot"]
    assert texts("as bob ", sandbox) == ["--admin"]
    assert texts("in #g", sandbox) == ["#general"]
    assert texts("wait ", sandbox)[:2] == ["30s", "1m"]
    assert texts("click ", sandbox) == []
    await sandbox.run_line("/duel challenge member:@alice")
    await sandbox.run_line("as alice")
    assert texts("click ", sandbox) == ["Accept", "Decline"]


async def test_the_bot_completes_time_zones(sandbox: Sandbox) -> None:
    # /daily setup is an admin command, and its autocomplete answers only those who may run it.
    await sandbox.run_line("as mod --admin")
    line = "/daily setup channel:#general time:09:00 timezone:Europe/Be"
    option = option_in_progress(line, sandbox)
    assert option is not None and option.parameter.display_name == "timezone"
    assert "Europe/Berlin" in await sandbox.autocomplete(option)
    completer = SandboxCompleter(sandbox)
    found = [c.text async for c in completer.get_completions_async(Document(line), CompleteEvent())]
    assert "Europe/Berlin " in found
    assert sandbox.discord.violations == [] and sandbox.discord.errors == []


async def test_autocomplete_waits_for_required_options_and_creates_nothing(
    sandbox: Sandbox,
) -> None:
    channels = sandbox.channel_names()
    option = option_in_progress("/daily setup channel:#nowhere timezone:Eur", sandbox)
    assert option is not None
    assert await sandbox.autocomplete(option) == []  # #nowhere does not exist; time is missing
    assert sandbox.channel_names() == channels
