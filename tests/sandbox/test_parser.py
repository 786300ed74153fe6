"""The sandbox language, line by line (pure: no bot)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.parser import (
    Answer,
    Become,
    Click,
    Enter,
    Help,
    ParseError,
    Quit,
    Slash,
    Wait,
    parse_duration,
    parse_line,
)


@pytest.mark.parametrize(
    ("line", "step"),
    [
        ("/help", Slash(("help",))),
        (
            "/daily setup channel:#daily time:09:00 timezone:UTC",
            Slash(("daily", "setup"), {"channel": "#daily", "time": "09:00", "timezone": "UTC"}),
        ),
        (
            '/daily setup topics:"rag, sampling"',
            Slash(("daily", "setup"), {"topics": "rag, sampling"}),
        ),
        ("/duel challenge member: @bob", Slash(("duel", "challenge"), {"member": "@bob"})),
        ("/daily setup levels:", Slash(("daily", "setup"), {"levels": ""})),
        ("click Accept", Click("Accept")),
        ('click "My result"', Click("My result")),
        ("click My result", Click("My result")),
        ("answer nucleus sampling", Answer("nucleus sampling")),
        ("answer it's top-p: keep the smallest set", Answer("it's top-p: keep the smallest set")),
        ("as bob", Become("bob")),
        ("as @mod --admin", Become("mod", admin=True)),
        ("as --admin mod", Become("mod", admin=True)),
        ('as "Bob Smith"', Become("Bob Smith")),
        ("as 'Bob Smith' --admin", Become("Bob Smith", admin=True)),
        ('as "@Bob Smith"', Become("Bob Smith")),
        ("in #general", Enter("general")),
        ("in #Duel: alice vs bob", Enter("Duel: alice vs bob")),
        ("wait 1d", Wait(timedelta(days=1))),
        ("WAIT 30s", Wait(timedelta(seconds=30))),
        ("help", Help()),
        ("?", Help()),
        ("quit", Quit()),
        ("exit", Quit()),
    ],
)
def test_lines(line: str, step: object) -> None:
    assert parse_line(line) == step


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_blank_lines_and_comments_are_nothing(line: str) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/", "type a command name"),
        ("/duel challenge @bob", "expected name:value"),
        ("/duel challenge member:@bob member:@carol", "given twice"),
        ('/daily setup topics:"rag', "cannot read the options"),
        ("/daily setup :x", "expected name:value"),
        ("click", "usage: click LABEL"),
        ("answer", "usage: answer TEXT"),
        ("as", "as NAME"),
        ("as bob carol", "as NAME"),
        ("as Bob Smith", 'as "Bob Smith"'),  # two names unless quoted: the error says how
        ('as "Bob Smith', "cannot read the name"),
        ("in", "usage: in #CHANNEL"),
        ("wait", "usage: wait"),
        ("wait soon", "cannot read 'soon' as a duration"),
        ("dance", "unknown command 'dance'"),
    ],
)
def test_mistakes_say_what_was_expected(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_line(line)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("1.5h", timedelta(minutes=90)),
        ("1m 30s 1m", timedelta(minutes=2, seconds=30)),
    ],
)
def test_durations(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["0s", "1x", "h", "1d-2h", "-1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)
