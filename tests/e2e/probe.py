"""A test-only cog that exercises each kind of interaction the harness must support."""

from __future__ import annotations

import re
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


class CounterButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"probe:count:(?P<n>\d+)"
):
    """A persistent button: its state lives in its custom_id, so it survives a restart."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Count {n}", custom_id=f"probe:count:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CounterButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(CounterButton(self.n + 1))
        await interaction.response.edit_message(content=f"count={self.n + 1}", view=view)


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Answer", custom_id="answer", style=discord.TextStyle.paragraph, max_length=1000
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got: {self.answer.value}", ephemeral=True)


class ProbeCog(commands.Cog):
    def __init__(self) -> None:
        self.seen_messages: list[str] = []

    probe = app_commands.Group(name="probe", description="Harness probes")

    @probe.command(name="echo", description="Echo the options")
    async def echo(
        self,
        interaction: discord.Interaction,
        text: str,
        times: int,
        who: discord.Member,
        where: discord.TextChannel,
        loud: bool = False,
    ) -> None:
        await interaction.response.send_message(
            f"{text * times} for {who.display_name} in #{where.name} loud={loud}",
            ephemeral=not loud,
        )

    @probe.command(name="counter", description="A persistent counter button")
    async def counter(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(CounterButton(0))
        await interaction.response.send_message("count=0", view=view)

    @probe.command(name="ask", description="Open a modal")
    async def ask(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AnswerModal())

    @probe.command(name="thread", description="Post and open a thread on the post")
    async def thread(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("opening a thread", ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        post = await interaction.channel.send("discussion starts here")
        thread = await post.create_thread(name="Discussion")
        await thread.send("first message in the thread")

    @probe.command(name="defer", description="Think, then answer")
    async def defer(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("done thinking", ephemeral=True)

    @probe.command(name="twice", description="Answer twice (a bug)")
    async def twice(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        # discord.py guards one Interaction object; two handlers each holding their own
        # object (or a restart mid-answer) get past that guard, so only Discord can refuse.
        interaction.response._response_type = None
        await interaction.response.send_message("two")

    @probe.command(name="slow", description="Block the loop before answering")
    async def slow(self, interaction: discord.Interaction, seconds: float) -> None:
        time.sleep(seconds)  # noqa: ASYNC251 - deliberately blocking: the budget must notice
        await interaction.response.send_message("late")

    @probe.command(name="file", description="Send a file")
    async def file(self, interaction: discord.Interaction) -> None:
        import io

        await interaction.response.send_message(
            "here", file=discord.File(io.BytesIO(b"hello"), filename="hello.txt")
        )

    @probe.command(name="silent", description="Never answer (a bug)")
    async def silent(self, interaction: discord.Interaction) -> None:
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message.content)


async def install(bot: commands.Bot) -> ProbeCog:
    cog = ProbeCog()
    await bot.add_cog(cog)
    bot.add_dynamic_items(CounterButton)
    return cog
