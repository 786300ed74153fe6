"""Tab completion against the live bot: commands from its tree, options, members, channels,
buttons on screen, and the bot's own autocomplete (time zones)."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import to_plain_text

from sandbox import Sandbox
from sandbox.completion import Offered, SandboxCompleter, option_in_progress, quoted, suggest
from sandbox.parser import Slash, parse_line


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
    assert Offered("Europe/Berlin", "Europe/Berlin") in await sandbox.autocomplete(option)
    found = await completions(line, sandbox)
    assert "Europe/Berlin " in [c.text for c in found]
    assert sandbox.discord.violations == [] and sandbox.discord.errors == []


async def test_time_zones_complete_before_the_channel_exists_and_create_nothing(
    sandbox: Sandbox,
) -> None:
    # The README's first try names #daily before anybody made it: Discord's client leaves an
    # option it cannot send out of the request and still asks about the focused one.
    await sandbox.run_line("as mod --admin")
    channels = sandbox.channel_names()
    line = "/daily setup channel:#daily time:9 timezone:Europe/Be"
    found = await completions(line, sandbox)
    assert "Europe/Berlin " in [c.text for c in found]
    assert await completions("/daily setup channel:#nowhere timezone:Asia/Tok", sandbox)
    assert sandbox.channel_names() == channels  # typing made no channel
    assert sandbox.discord.violations == [] and sandbox.discord.errors == []


async def test_search_suggestions_show_the_question_and_send_its_id(sandbox: Sandbox) -> None:
    found = await completions("/question search text:five", sandbox)
    assert found, "the search offered nothing"
    for completion in found:
        shown = to_plain_text(completion.display)
        item_id = completion.text.strip()
        assert shown != item_id and "five" in shown.casefold()  # the prompt, as Discord lists it
        assert to_plain_text(completion.display_meta) == item_id
    status = await sandbox.run_line(f"/question search text:{found[0].text.strip()}")
    assert status is not None and status.ok


def test_values_with_spaces_are_quoted_as_the_parser_reads_them() -> None:
    assert quoted("Europe/Berlin") == "Europe/Berlin"
    assert quoted("Bob Smith") == '"Bob Smith"'
    name = quoted('Bob "B" Smith')
    step = parse_line(f"/duel challenge member:@{name}")
    assert isinstance(step, Slash) and step.options == {"member": '@Bob "B" Smith'}


async def completions(line: str, sandbox: Sandbox) -> list[Completion]:
    completer = SandboxCompleter(sandbox)
    return [c async for c in completer.get_completions_async(Document(line), CompleteEvent())]
