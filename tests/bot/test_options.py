"""The shared option rules: which topics daily posts use, and choices Discord accepts."""

from __future__ import annotations

from bot.options import choices, describe_topics_in_use, matching_topics, topics_in_use


def test_daily_topics_are_taken_inside_the_pool() -> None:
    assert topics_in_use([], ["a", "b"]) == (["a", "b"], [])
    assert topics_in_use(["b"], ["a", "b"]) == (["b"], [])
    assert topics_in_use(["b", "c"], ["a", "b"]) == (["b"], ["c"])
    assert topics_in_use(["c"], ["a", "b"]) == ([], ["c"])


def test_status_says_what_posting_uses_and_why() -> None:
    assert describe_topics_in_use([], ["a", "b"]) == "all in the pool: a, b"
    assert describe_topics_in_use(["b"], ["a", "b"]) == "b"
    assert describe_topics_in_use(["b", "c"], ["a", "b"]).startswith("b (c is set but not in")
    assert describe_topics_in_use(["c", "d"], ["a"]).startswith("none: c, d are set but")
    assert describe_topics_in_use(["c"], ["a"]).endswith("so nothing posts")
    many = describe_topics_in_use([], [f"topic-{n}" for n in range(300)])
    assert len(many) == 1024 and many.endswith("…")


def test_choices_fit_discord() -> None:
    offered = choices([("x" * 300, "long"), ("short", "v" * 101), ("ok", "ok")] * 20)
    assert len(offered) == 25
    assert offered[0].name == "x" * 99 + "…" and offered[0].value == "long"
    assert all(len(c.value) <= 100 for c in offered)
    assert ("ok", "ok") in [(c.name, c.value) for c in offered]


def test_topic_matching_looks_at_the_first_hundred_characters() -> None:
    assert matching_topics(["rag", "llms"], "ra") == ["rag"]
    assert matching_topics(["rag"], "rag" + " " * 6000) == ["rag"]
