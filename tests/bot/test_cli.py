from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from db.database import LATEST_VERSION


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DISCORD_TOKEN",
        "QUIZBOT_CONFIG",
        "QUIZBOT_DATABASE",
        "QUIZBOT_LOG_LEVEL",
        "QUIZBOT_BANK",
        "QUIZBOT_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env, and data/ lands in the temporary folder


def test_run_without_token_explains_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err
    assert "discord.com/developers/applications" in err
    assert "sandbox" in err
    # Where the file goes, in words that are true (there is no config.yaml to sit next to),
    # and sandbox commands that work from a fresh checkout (quizbot is not on PATH there).
    assert "a file named .env in\nthe folder you run quizbot from" in err
    assert "config.yaml" not in err
    assert "python3 tasks.py sandbox" in err and ".venv/bin/quizbot sandbox" in err


def test_help_opens_with_a_sentence_for_people_who_run_the_bot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    opening = out.split("\n\n")[1]
    assert opening.startswith("quizbot runs a quiz bot for your Discord server"), opening
    assert "``" not in out and "lifecycle" not in out


def test_bank_validate_counts_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    bank = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "t-long.yaml"
    assert main(["bank", "validate", str(bank)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(" in 1 file") and first.startswith("ok: "), first
    count = int(first.split()[1])
    assert first == f"ok: {count} {'item' if count == 1 else 'items'} in 1 file"


def test_bank_stats_reports_seed_coverage_for_the_built_in_bank_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bank", "stats"]) == 0
    builtin = capsys.readouterr().out
    assert "seed coverage: " in builtin and " labels have an item" in builtin
    community = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
    assert main(["bank", "stats", str(community)]) == 0
    out = capsys.readouterr().out
    assert "seed coverage" not in out and "not covered" not in out
    assert "t-long" in out and "t-quick" in out  # its own topics, by level and kind
    assert " topics; quick items" in out.rstrip().splitlines()[-1]


def test_start_logs_no_voice_warnings_for_a_bot_without_voice() -> None:
    """discord.py warns once per process that voice libraries are missing; we have no voice."""
    program = (
        "import logging; logging.basicConfig(); import discord; import bot.client; "
        "discord.Client(intents=discord.Intents.none())"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "voice will NOT be supported" not in result.stderr, result.stderr


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


def schema_of(path: Path) -> tuple[int, list[tuple[str, str]]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    return version, tables


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_db_backup_of_a_missing_database_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "backup", "copies/q.db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("quizbot: no database at data/quizbot.db") and err.count("\n") == 1
    assert files_in(tmp_path) == []  # neither the database nor the backup folder


def test_db_backup_of_a_mistyped_path_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["db", "migrate"]) == 0
    monkeypatch.setenv("QUIZBOT_DATABASE", "data/quizbt.db")
    before = files_in(tmp_path / "data")
    assert main(["db", "backup", "copies/q.db"]) == 1
    assert "no database at data/quizbt.db" in capsys.readouterr().err
    assert files_in(tmp_path / "data") == before and not (tmp_path / "copies").exists()


def test_db_backup_leaves_an_idle_database_byte_for_byte(tmp_path: Path) -> None:
    assert main(["db", "migrate"]) == 0
    source = tmp_path / "data" / "quizbot.db"
    with contextlib.closing(sqlite3.connect(source)) as conn, conn:
        conn.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (7, 'Study', 1)")
    before, listing = source.read_bytes(), files_in(source.parent)
    assert main(["db", "backup", "copies/q.db"]) == 0
    assert source.read_bytes() == before
    assert files_in(source.parent) == listing  # no -wal or -shm left beside it
    assert files_in(tmp_path / "copies") == ["q.db"]  # one self-contained file
    assert schema_of(tmp_path / "copies" / "q.db") == schema_of(source)


def test_db_backup_of_a_live_database_copies_its_committed_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the bot running: its WAL holds work the main file does not have yet."""
    assert main(["db", "migrate"]) == 0
    source = tmp_path / "data" / "quizbot.db"
    schema = schema_of(source)
    with contextlib.closing(sqlite3.connect(source)) as live:
        live.execute("PRAGMA journal_mode = WAL")
        with live:
            live.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (7, 'Study', 1)")
        listing = files_in(source.parent)
        (tmp_path / "copies").mkdir()
        assert main(["db", "backup", "copies"]) == 0  # a folder: the file keeps its name
        assert "to copies/quizbot.db" in capsys.readouterr().out
        assert files_in(source.parent) == listing
        with contextlib.closing(sqlite3.connect(tmp_path / "copies" / "quizbot.db")) as copy:
            assert copy.execute("SELECT name FROM guilds").fetchall() == [("Study",)]
    assert schema_of(source) == schema  # user_version and tables as they were


def test_db_backup_copies_a_database_from_a_newer_quizbot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    source = tmp_path / "data" / "quizbot.db"
    with contextlib.closing(sqlite3.connect(source)) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    assert main(["db", "backup", "newer.db"]) == 0
    assert schema_of(tmp_path / "newer.db")[0] == LATEST_VERSION + 5
    assert schema_of(source)[0] == LATEST_VERSION + 5  # not refused, not migrated


def test_db_backup_of_a_file_that_is_not_a_database_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "quizbot.db").write_text("not sqlite " * 100)
    assert main(["db", "backup", "copies/q.db"]) == 1
    assert "file is not a database; nothing written" in capsys.readouterr().err
    assert not (tmp_path / "copies").exists()
    assert files_in(tmp_path / "data") == ["quizbot.db"]


def test_configuration_error_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.yaml").write_text("log_level: shouty\n")
    assert main(["--config", "config.yaml", "db", "migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizbot: configuration error: log_level:")
    assert "\n" not in err


def test_health_without_heartbeat_exits_3_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["health"]) == 3
    assert "unhealthy: no heartbeat at data/quizbot.heartbeat" in capsys.readouterr().err
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    ("bank", "message"),
    [
        ("no/such/bank", "bank: no/such/bank does not exist (QUIZBOT_BANK or config.yaml)"),
        ("broken.yaml", "broken.yaml:3: YAML syntax error"),
    ],
)
def test_a_bad_bank_is_refused_before_login(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bank: str,
    message: str,
) -> None:
    (tmp_path / "broken.yaml").write_text("topic: rag\nitems: [unclosed\n")
    monkeypatch.setenv("DISCORD_TOKEN", "a-token-that-is-never-sent")
    monkeypatch.setenv("QUIZBOT_BANK", bank)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("quizbot: configuration error: bank: ") and message in err
    assert err.count("\n") == 1, err
    assert files_in(tmp_path) == ["broken.yaml"]  # refused before the database was opened


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


def test_sandbox_without_its_extra_says_how_to_install_it_in_one_line() -> None:
    """The Docker image and a plain `pip install quizbot` have no rich/prompt_toolkit."""
    # A separate interpreter in which `rich` cannot be imported, as where the extra is missing.
    program = (
        "import sys; sys.modules['rich'] = None; "
        "from bot.__main__ import main; sys.exit(main(['sandbox']))"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "quizbot[sandbox]" in result.stderr and "Traceback" not in result.stderr
