from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from db.database import LATEST_VERSION


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DISCORD_TOKEN", "QUIZBOT_CONFIG", "QUIZBOT_DATABASE", "QUIZBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env, and data/ lands in the temporary folder


def test_run_without_token_explains_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err
    assert "discord.com/developers/applications" in err
    assert "sandbox" in err


def test_db_migrate_creates_database_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    assert "applied 0001_initial.sql" in capsys.readouterr().out
    assert (tmp_path / "data" / "quizbot.db").exists()
    assert main(["db", "migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_newer_database_is_refused_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    with sqlite3.connect(tmp_path / "data" / "quizbot.db") as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    assert main(["db", "migrate"]) == 1
    assert "only knows up to" in capsys.readouterr().err


def test_db_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "backup", "copies/q.db"]) == 0
    assert (tmp_path / "copies" / "q.db").stat().st_size > 0


def test_configuration_error_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.yaml").write_text("log_level: shouty\n")
    assert main(["--config", "config.yaml", "db", "migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizbot: configuration error: log_level:")
    assert "\n" not in err


def test_health_fails_without_heartbeat(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health"]) == 1
    assert "no heartbeat" in capsys.readouterr().err


def test_console_script_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True
    )
    assert result.stdout.startswith("quizbot "), result.stderr


def test_output_piped_into_a_reader_that_leaves_early_is_not_an_error() -> None:
    """`quizbot bank stats | head -3`: no traceback when head stops reading."""
    stats = subprocess.Popen(
        [sys.executable, "-m", "bot", "bank", "stats"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert stats.stdout is not None and stats.stderr is not None
    stats.stdout.read(10)
    stats.stdout.close()  # the reader is gone, as when `head` exits
    errors = stats.stderr.read().decode()
    assert stats.wait(timeout=60) == 0, errors
    assert "Traceback" not in errors
