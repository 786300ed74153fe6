"""``quizbot sandbox`` as a user runs it: the README's example script, a failing script, and
the interactive prompt in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import REPO
from tests.sandbox.conftest import TEST_BANK

EXAMPLE = REPO / "docs" / "sandbox-example.txt"


def sandbox(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "s.db")]
    command += ["--files", str(tmp_path / "files"), *args]
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=_environment()
    )


def _environment() -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUIZBOT_")}
    return dict(environment, COLUMNS="100", PROMPT_TOOLKIT_NO_CPR="1")


def test_the_readme_example_script_runs(tmp_path: Path) -> None:
    done = sandbox(tmp_path, "--script", str(EXAMPLE))
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Daily question set" in out
    assert "Daily question #1: the answer" in out
    assert out.count("Answer recorded") == 2
    assert "Points · all time" in out and "# 1 alice · " in out  # partial credit, any question
    assert "✗" not in out and done.stderr == ""
    assert (tmp_path / "s.log").exists()  # the bot's own log, kept off the terminal


def test_a_failing_script_exits_1_naming_the_line(tmp_path: Path) -> None:
    script = tmp_path / "broken.txt"
    script.write_text("# set up\nas mod --admin\n/duel challenge member:@nobody\nwait 1d\n")
    done = sandbox(tmp_path, "--bank", str(TEST_BANK), "--script", str(script))
    assert done.returncode == 1
    assert "✗ broken.txt, line 3: no member @nobody" in done.stdout
    assert "wait 1d" not in done.stdout  # it stopped there


def test_the_readme_transcript_is_what_the_example_script_prints(tmp_path: Path) -> None:
    """The README's recorded session, run again as a newcomer would: same command, same
    default paths (relative to the working directory), and the scripts' fixed start time."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "$ .venv/bin/quizbot sandbox --script docs/sandbox-example.txt\n"
    recorded = readme.split(command, 1)[1].split("```", 1)[0]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", f"docs/{EXAMPLE.name}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = [line.rstrip() for line in done.stdout.splitlines()]
    assert printed == recorded.splitlines()


def test_start_sets_the_fake_clock(tmp_path: Path) -> None:
    script = tmp_path / "when.txt"
    script.write_text("wait 30s\n")
    done = sandbox(tmp_path, "--start", "2027-01-04 08:15", "--script", str(script))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fake clock Mon 4 Jan 2027 08:15 UTC" in done.stdout
    assert "30 seconds later: Mon 4 Jan 2027 08:15:30 UTC" in done.stdout


def test_a_start_that_is_not_a_time_is_refused_before_anything_runs(tmp_path: Path) -> None:
    done = sandbox(tmp_path, "--start", "next tuesday")
    assert done.returncode == 2
    assert "'next tuesday' is not a date and time" in done.stderr
    assert not (tmp_path / "s.db").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("leave", ["quit", "ctrl-c"])  # Ctrl-D: test_interactive_loop
def test_interactive_prompt_runs_a_command_and_leaves_cleanly(tmp_path: Path, leave: str) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "sandbox", "--db", str(tmp_path / "s.db"), "--files", str(tmp_path)],
        cwd=str(tmp_path),
        env=_environment(),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    try:
        prompt = re.compile(r"alice\S*@\S*#general\S*>")
        child.expect(prompt)
        child.sendline("/help")
        child.expect("only you can see this")
        child.expect("quizbot commands")
        child.expect(prompt)
        if leave == "quit":
            child.sendline("quit")
        else:
            child.sendcontrol(leave[-1])
        child.expect("bye")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
