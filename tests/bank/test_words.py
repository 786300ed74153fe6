"""The pluralising helper every count shown to people goes through."""

from bank.words import plural


def test_one_is_singular_and_everything_else_plural() -> None:
    assert [plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]


def test_irregular_and_sibilant_nouns() -> None:
    assert plural(2, "entry") == "2 entries" and plural(1, "entry") == "1 entry"
    assert plural(3, "match") == "3 matches" and plural(2, "box") == "2 boxes"
