"""The prompt loop in-process, with prompt_toolkit's prompt replaced by typed lines: typos do
not end the session; quit, Ctrl-D (EOFError) and Ctrl-C (KeyboardInterrupt) all leave with 0.
The real terminal is exercised by test_cli.py in a pseudo-terminal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from prompt_toolkit.formatted_text import to_plain_text
from rich.console import Console

from sandbox import Sandbox
from sandbox import app as sandbox_app


class TypedLines:
    """Stands in for prompt_toolkit's PromptSession: returns ``lines``, then raises ``end``."""

    prompts: list[str]

    def __init__(self, lines: list[str], end: BaseException, **settings: Any) -> None:
        self.lines, self.end, self.settings = list(lines), end, settings
        self.prompts = []

    async def prompt_async(self, message: Any) -> str:
        self.prompts.append(to_plain_text(message))
        self.toolbar = self.settings["bottom_toolbar"]()
        if not self.lines:
            raise self.end
        return self.lines.pop(0)


@pytest.mark.parametrize("end", [EOFError(), KeyboardInterrupt()], ids=["ctrl-d", "ctrl-c"])
async def test_typos_carry_on_and_every_exit_is_clean(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, end: BaseException
) -> None:
    typed: list[TypedLines] = []

    def session(**settings: Any) -> TypedLines:
        typed.append(TypedLines(["dance", "", "as bob", "in #daily"], end, **settings))
        return typed[-1]

    monkeypatch.setattr(sandbox_app, "PromptSession", session)
    out = io.StringIO()
    printer = sandbox_app.Printer(Console(file=out, width=120, color_system=None), sandbox)
    assert await sandbox_app.interact(sandbox, printer, wall=Wall().read) == 0
    text = out.getvalue()
    assert "✗ unknown command 'dance'" in text and "you are bob" in text
    assert text.rstrip().endswith("bye")
    prompts = typed[0].prompts
    assert prompts[0] == "alice@#general> " and prompts[-1] == "bob@#daily> "
    assert "Mon 5 Jan 2026 08:00:00 UTC (fake clock)" in typed[0].toolbar


async def test_quit_leaves_before_later_lines(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sandbox_app,
        "PromptSession",
        lambda **settings: TypedLines(["quit", "as zed"], EOFError(), **settings),
    )
    printer = sandbox_app.Printer(Console(file=io.StringIO()), sandbox)
    assert await sandbox_app.interact(sandbox, printer, wall=Wall().read) == 0
    assert "zed" not in sandbox.member_names()


async def test_the_clock_runs_with_real_time_at_the_prompt(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /quiz is typed after 2 s, the click 4.5 s later: the answer took 4.5 s, and the fake
    # clock has moved by the 6.5 s that really passed.
    wall = Wall()
    typed: list[TimedLines] = []

    def session(**settings: Any) -> TimedLines:
        lines = [(2.0, "/quiz topic:t-rotation"), (4.5, "click True")]
        typed.append(TimedLines(wall, lines, **settings))
        return typed[-1]

    monkeypatch.setattr(sandbox_app, "PromptSession", session)
    out = io.StringIO()
    printer = sandbox_app.Printer(Console(file=out, width=120, color_system=None), sandbox)
    start = sandbox.now
    assert await sandbox_app.interact(sandbox, printer, wall=wall.read) == 0
    assert "Answered in 4.5 s" in out.getvalue()
    assert (sandbox.now - start).total_seconds() == 6.5
    assert "Mon 5 Jan 2026 08:00:06 UTC" in typed[0].toolbar  # the bottom bar's clock


async def test_what_falls_due_at_the_prompt_runs_before_the_next_line(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set up at 08:00 for a post at 08:01; the member idles 90 s, then presses Enter.
    wall = Wall()
    setup = "/daily setup channel:#daily time:08:01 timezone:UTC topics:t-rotation"
    lines = [(0.0, "as mod --admin"), (0.0, setup), (90.0, "")]
    monkeypatch.setattr(
        sandbox_app, "PromptSession", lambda **settings: TimedLines(wall, lines, **settings)
    )
    out = io.StringIO()
    printer = sandbox_app.Printer(Console(file=out, width=120, color_system=None), sandbox)
    assert await sandbox_app.interact(sandbox, printer, wall=wall.read) == 0
    text = out.getvalue()
    assert "Daily question set" in text
    assert "╭─ Daily question #1 " in text.split("Daily question set")[1]
    assert "later:" not in text  # no clock line: nobody typed wait


class Wall:
    """A monotonic clock that moves only when a typed line says how long its typing took."""

    def __init__(self) -> None:
        self.seconds = 100.0

    def read(self) -> float:
        return self.seconds


class TimedLines(TypedLines):
    """Typed lines, each after a pause on the wall clock; then Ctrl-D."""

    def __init__(self, wall: Wall, lines: list[tuple[float, str]], **settings: Any) -> None:
        super().__init__([line for _, line in lines], EOFError(), **settings)
        self.wall, self.pauses = wall, [pause for pause, _ in lines]

    async def prompt_async(self, message: Any) -> str:
        if self.pauses:
            self.wall.seconds += self.pauses.pop(0)
        return await super().prompt_async(message)
