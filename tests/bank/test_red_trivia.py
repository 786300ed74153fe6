"""Red-DiscordBot trivia lists ("question: [answers]") load as short items."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bank import BankError, ShortItem, load_bank, load_bank_text

RED_LIST = """\
AUTHOR: Someone (someone#0001)
DESCRIPTION: A few questions about language models.
CONFIG:
  max_score: 10
  timeout: 20.5
  bot_plays: false
  reveal_answer: true
What does the T in GPT stand for?:
- Transformer
- TRANSFORMER
How many heads does a standard BERT-base layer have?:
- 12
- Twelve
Is attention permutation-equivariant without positional encodings?:
- yes
- true
Which company released the original Transformer paper?:
- Google
- GOOGLE
- Google Brain
"""


def shorts(text: str, name: str = "llm-trivia.yaml") -> list[ShortItem]:
    items = load_bank_text(text, name)
    assert all(isinstance(item, ShortItem) for item in items)
    return [item for item in items if isinstance(item, ShortItem)]


def test_a_red_list_becomes_short_items() -> None:
    items = shorts(RED_LIST)
    assert [item.prompt for item in items] == [
        "What does the T in GPT stand for?",
        "How many heads does a standard BERT-base layer have?",
        "Is attention permutation-equivariant without positional encodings?",
        "Which company released the original Transformer paper?",
    ]
    assert {item.kind for item in items} == {"short"}
    assert {item.level for item in items} == {"intermediate"}
    assert {item.topic for item in items} == {"llm-trivia"}


def test_numbers_and_booleans_become_text_as_written() -> None:
    items = shorts(RED_LIST)
    assert items[1].answers == ("12", "Twelve")
    assert items[2].answers == ("yes", "true")


def test_answers_repeated_in_another_case_are_dropped() -> None:
    items = shorts(RED_LIST)
    assert items[0].answers == ("Transformer",)
    assert items[3].answers == ("Google", "Google Brain")


def test_the_explanation_lists_the_accepted_answers() -> None:
    assert shorts(RED_LIST)[3].explanation == "Accepted answers: Google, Google Brain."


def test_ids_are_the_topic_and_a_stable_hash_of_the_question() -> None:
    question = "What does the T in GPT stand for?"
    digest = hashlib.sha1(question.encode()).hexdigest()[:8]
    first = shorts(RED_LIST)
    assert first[0].id == f"llm-trivia-{digest}"
    assert [item.id for item in shorts(RED_LIST)] == [item.id for item in first]
    assert len({item.id for item in first}) == len(first)


def test_origins_point_at_the_question_line() -> None:
    assert [item.origin for item in shorts(RED_LIST)] == [
        "llm-trivia.yaml:8",
        "llm-trivia.yaml:11",
        "llm-trivia.yaml:14",
        "llm-trivia.yaml:17",
    ]


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("My Trivia List.yaml", "my-trivia-list"),
        ("Ünïcode_Names!.yml", "unicode-names"),
        ("???.yaml", "custom"),
    ],
)
def test_the_topic_is_the_slugified_file_name(name: str, topic: str) -> None:
    assert {item.topic for item in shorts(RED_LIST, name)} == {topic}


def test_a_long_file_name_still_gives_valid_ids() -> None:
    items = shorts(RED_LIST, "x" * 200 + ".yaml")
    assert all(len(item.id) <= 64 for item in items)


def test_a_red_list_file_loads_from_a_folder_next_to_our_format(tmp_path: Path) -> None:
    (tmp_path / "Movie Quotes.yaml").write_text(RED_LIST, encoding="utf-8")
    (tmp_path / "rag.yaml").write_text(
        "topic: rag\nitems:\n  - id: rag-r\n    kind: short\n    level: beginner\n"
        "    prompt: R?\n    answers: [retrieval]\n    explanation: Retrieval.\n",
        encoding="utf-8",
    )
    items = load_bank(tmp_path)
    assert [item.topic for item in items] == ["movie-quotes"] * 4 + ["rag"]
    assert items[0].origin == f"{tmp_path / 'Movie Quotes.yaml'}:8"


def test_a_list_with_only_metadata_has_no_questions() -> None:
    with pytest.raises(BankError, match=r"^empty\.yaml:1: no questions found"):
        load_bank_text("AUTHOR: me\nCONFIG:\n  max_score: 5\n", "empty.yaml")


def test_problems_of_a_red_list_are_all_reported_with_lines() -> None:
    text = (
        "CONFIG: fast\n"
        "Question without a list?: Paris\n"
        "Question with no answers?: []\n"
        "Fine question?:\n- fine\n"
        f"{'Q' * 1001}?:\n- long\n"
    )
    with pytest.raises(BankError) as info:
        load_bank_text(text, "bad.yaml")
    found = info.value.problems
    assert found[0] == "bad.yaml:1: CONFIG must be a mapping of settings"
    assert found[1] == "bad.yaml:2: the answers to 'Question without a list?' must be a list"
    assert found[2] == "bad.yaml:3: 'Question with no answers?' has no answers"
    assert found[3].startswith("bad.yaml:6: ") and "prompt: is 1002 characters long" in found[3]
    assert len(found) == 4


def test_anchors_are_refused_in_red_lists_too() -> None:
    text = "Q1?: &answers\n- one\nQ2?: *answers\n"
    with pytest.raises(BankError, match=r"^red\.yaml:1: YAML anchors and aliases"):
        load_bank_text(text, "red.yaml")


def test_the_size_limit_applies_to_red_lists_too() -> None:
    text = "".join(f"Question {n}?:\n- answer {n}\n" for n in range(120_000))
    assert len(text) > 2 * 1024 * 1024
    with pytest.raises(BankError, match="over the 2 MB limit"):
        load_bank_text(text, "huge.yaml")


def test_duplicate_questions_are_reported() -> None:
    with pytest.raises(BankError, match=r"^dup\.yaml:3: duplicate key 'Q\?'"):
        load_bank_text("Q?:\n- a\nQ?:\n- b\n", "dup.yaml")
