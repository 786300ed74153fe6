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
    assert await sandbox_app.interact(sandbox, printer) == 0
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
    assert await sandbox_app.interact(sandbox, printer) == 0
    assert "zed" not in sandbox.member_names()
