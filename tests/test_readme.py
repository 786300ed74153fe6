"""The README's examples are code too: they must keep working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bank import load_bank_text
from bot.__main__ import build_parser
from bot.guild_config import SETTINGS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, re.S)


def test_bank_examples_load() -> None:
    ours = [b for b in yaml_blocks() if "items:" in b]
    red = [b for b in yaml_blocks() if "AUTHOR:" in b]
    assert ours and red
    assert len(load_bank_text(ours[0], "rag.yaml")) == 4
    assert len(load_bank_text(red[0], "llm-trivia.yaml")) == 2


def test_every_setting_is_documented() -> None:
    for name in SETTINGS:
        assert f"`{name}`" in README, name


def test_cli_commands_in_the_table_exist() -> None:
    commands = set(re.findall(r"\| `quizbot (\w+)", README))
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands <= known, commands - known


def test_the_grading_example_runs_on_the_bank_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The "How replies are graded" snippet, on the README's own bank example."""
    snippet = next(b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "grade(" in b)
    bank_example = next(b for b in yaml_blocks() if "items:" in b)
    (tmp_path / "my-bank").mkdir()
    (tmp_path / "my-bank" / "rag.yaml").write_text(bank_example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "correct=True" in printed and "close spelling of 'retrieval'" in printed
