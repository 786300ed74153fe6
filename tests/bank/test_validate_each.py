"""`quizbot bank validate` of several files: every valid file loads, the others are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bank import cli

RED = Path(__file__).resolve().parents[1] / "fixtures" / "red"

LIST_ONE = "AUTHOR: one\nWhat is 2+2?:\n- 4\n"
LIST_TWO = "What is 3+3?:\n- 6\nWhat is 4+4?:\n- 8\n"


def test_a_folder_loads_its_valid_lists_and_reports_the_broken_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.validate([str(RED)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{RED / 'repeats.yaml'}:10: question 'Who won in 2010?'")
    broken = [line for line in lines if line.startswith(f"{RED / 'broken.yaml'}:")]
    assert len(broken) == 10 and lines[1:11] == broken  # each with its line, together
    assert not any("geography.yaml" in line for line in lines)
    assert lines[-2].endswith("in 2 files; the refused files are left out")
    assert lines[-1] == "10 problems in 1 refused file"


def test_several_valid_files_pass_with_exit_code_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "one.yaml").write_text(LIST_ONE, encoding="utf-8")
    (tmp_path / "two.yml").write_text(LIST_TWO, encoding="utf-8")
    assert cli.validate([str(tmp_path / "one.yaml"), str(tmp_path / "two.yml")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "ok: 3 items in 2 files"


def test_each_broken_file_is_refused_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-good.yaml").write_text(LIST_ONE, encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text("What?:\n- ~\n", encoding="utf-8")
    (tmp_path / "c-bad.yaml").write_text("CONFIG:\n  colour: red\nWhy?:\n- x\n", encoding="utf-8")
    assert cli.validate([str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'b-bad.yaml'}:2: ")
    assert lines[1].startswith(f"{tmp_path / 'c-bad.yaml'}:2: CONFIG: unknown setting 'colour'")
    assert lines[2:] == ["ok: 1 item in 1 file; the refused files are left out",
                         "2 problems in 2 refused files"]  # fmt: skip


def test_a_built_in_id_refuses_only_the_file_that_takes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = (
        "topic: rag\nitems:\n  - id: rag-acronym\n    kind: truefalse\n    level: beginner\n"
        "    prompt: Is it?\n    answer: true\n    explanation: It is.\n"
    )
    (tmp_path / "clash.yaml").write_text(clash, encoding="utf-8")
    (tmp_path / "fine.yaml").write_text(LIST_TWO, encoding="utf-8")
    assert cli.validate([str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and "rag-acronym" in lines[0] and "clash.yaml" in lines[0]
    assert lines[1:] == ["ok: 2 items in 1 file; the refused files are left out",
                         "1 problem in 1 refused file"]  # fmt: skip
