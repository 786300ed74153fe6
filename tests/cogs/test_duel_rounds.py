"""A duel round's rules from its question's list settings, and the silence rule of a match."""

from __future__ import annotations

import pytest

from bank import load_bank_text
from bank.schema import Item
from cogs.duel import rounds
from cogs.duel.match import Match, State


def red_item(config: str) -> Item:
    text = (f"CONFIG:\n{config}" if config else "") + "What is 2+2?:\n- 4\n"
    [item] = load_bank_text(text, "sums.yaml")
    return item


@pytest.mark.parametrize(
    ("config", "seconds"),
    [
        ("", 20.0),  # the list leaves it to the server
        ("  delay: 30\n", 30.0),
        ("  delay: 12.5\n", 12.5),
        ("  delay: 4\n", 5.0),  # Red's minimum, under ours
        ("  delay: 600\n", 120.0),  # past what a waiting player should sit through
    ],
)
def test_the_window_is_the_lists_delay_within_our_bounds(config: str, seconds: float) -> None:
    assert rounds.window(red_item(config), 20.0) == seconds


def test_a_vanished_question_gets_the_default_window() -> None:
    assert rounds.window(None, 25.0) == 25.0


def test_reveal_and_spoilers_follow_the_list_with_reds_defaults() -> None:
    plain = red_item("")
    assert rounds.reveals(plain, anyone_right=False) and not rounds.spoilers(plain)
    secret = red_item("  reveal_answer: false\n  use_spoilers: yes\n")
    assert not rounds.reveals(secret, anyone_right=False)
    assert rounds.reveals(secret, anyone_right=True)
    assert rounds.spoilers(secret)


def test_hidden_text_fits_its_limit_and_cannot_close_early() -> None:
    assert rounds.hidden("a||b", 100) == "||a| |b||"
    long = rounds.hidden("x" * 2000, 1024)
    assert len(long) <= 1024 and long.startswith("||") and long.endswith("…||")


def active(rounds_count: int = 5) -> Match:
    match = Match(1, 2, rounds_count, 20.0, State.ACTIVE, 1)
    return match


def test_a_first_round_nobody_answers_ends_the_match_past_the_limit() -> None:
    match = active()
    assert match.close_round(silence_limit=15.0)  # a silent 20 s round
    assert match.state is State.ABANDONED and match.timed_out == (20.0, 15.0)
    assert match.challenger_score() is None  # ratings do not move


@pytest.mark.parametrize(("limit", "over"), [(30.0, True), (38.0, True), (40.0, False)])
def test_silence_counts_from_the_last_answer(limit: float, over: bool) -> None:
    match = active()
    match.windows = {1: 20.0, 2: 20.0}
    match.answer(1, 1, False, 2.0)  # heard 2 s into round 1, then 18 s + 20 s of silence
    assert not match.close_round(silence_limit=limit)  # round 1: somebody answered
    assert match.close_round(silence_limit=limit) is over
    assert match.timed_out == ((38.0, limit) if over else None)


def test_a_round_both_answered_leaves_no_silence_after_it() -> None:
    match = active()
    match.answer(1, 1, True, 2.0)
    match.answer(2, 1, True, 3.0)  # the round closed at once, at 3 s
    assert not match.close_round(silence_limit=25.0)
    assert not match.close_round(silence_limit=25.0)  # 20 s of silence only


def test_an_answer_resets_the_silence_and_no_limit_keeps_our_two_round_rule() -> None:
    match = active()
    match.answer(1, 1, False, 3.0)
    assert not match.close_round(silence_limit=1.0)  # somebody answered round 1
    assert not match.close_round()  # round 2 silent, no list limit
    assert match.close_round()  # round 3 silent too: two in a row
    assert match.state is State.ABANDONED and match.timed_out is None


def test_points_count_in_the_rounds_own_window() -> None:
    match = active()
    match.windows = {1: 40.0}
    assert match.answer(1, 1, True, 10.0).points == 875  # 10 of 40 s, not 10 of 20
