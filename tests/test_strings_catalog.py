"""docs/strings.md, the list of every user-facing string, is up to date, and the walk that
builds it keeps what people read and leaves out what they never see."""

from __future__ import annotations

from tests.strings_catalog import COMMAND, OUTPUT, catalog, render, strings_in

SAMPLE = '''
"""A module docstring nobody sees."""
import logging
log = logging.getLogger("cogs.sample")
SORRY = "Sorry, that did not work."

async def reply(interaction, count, name):
    """A docstring."""
    log.info("answered %s in %d s", name, count)
    if name == "secret key":
        raise RuntimeError("a developer's message")
    embed = discord.Embed(title="Results", description=f"{count} answered")
    embed.add_field(name="Why", value=f"Because {name!r} said so")
    button = discord.ui.Button(label="Accept", custom_id="duel:accept:1")
    await interaction.response.send_message(f"Thanks, {name}!", ephemeral=True)
    raise UserError("Pick a topic first.")
    return ", ".join(["a", "b"]) + options["topic name"]

class Mode(Enum):
    POST_NOW = "post now"

@app_commands.describe(file="A bank file", key="The setting")
async def forget(interaction):
    await confirm.ask(interaction, "Delete every answer? This cannot be undone.")
    await db.execute("DELETE FROM answers WHERE user_id = ?", (1,))
'''


def test_the_walk_keeps_what_people_read() -> None:
    found = [(f.line, f.kind, f.text) for f in strings_in(SAMPLE, "cogs/sample.py")]
    assert found == [
        (5, "text", "Sorry, that did not work."),
        (12, "title", "Results"),
        (12, "description", "{count} answered"),
        (13, "name", "Why"),
        (13, "value", "Because {name!r} said so"),
        (14, "label", "Accept"),
        (15, "message", "Thanks, {name}!"),
        (16, "error", "Pick a topic first."),
        (22, "option description", "A bank file"),
        (22, "option description", "The setting"),
        (24, "text", "Delete every answer? This cannot be undone."),
    ]


def test_docs_strings_md_is_up_to_date() -> None:
    expected = render(catalog())
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    assert current == expected, (
        f"docs/strings.md is out of date (a user-facing string in bot/ or cogs/ changed or "
        f"moved): regenerate it with `{COMMAND}` and review the diff"
    )
