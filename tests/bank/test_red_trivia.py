"""Red-DiscordBot trivia lists ("question: [answers]") load as short items."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bank import BankError, ShortItem, load_bank, load_bank_text
from bank.grading import grade
from bank.loader import bank_files, load_each, load_report

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
    # As written first, then the other words Red accepts for the same boolean.
    assert items[2].answers == ("yes", "True", "On")


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


def test_a_repeated_question_keeps_its_last_copy_with_a_warning() -> None:
    report = load_report("Q?:\n- a\nOther?:\n- c\nQ?:\n- b\n", "dup.yaml")
    assert [(item.prompt, item.answers) for item in report.items] == [
        ("Q?", ("b",)),
        ("Other?", ("c",)),
    ]
    assert report.items[0].origin == "dup.yaml:5"
    assert report.warnings == [
        "dup.yaml:5: question 'Q?' repeats line 1; the copy at line 5 is kept, as Red does"
    ]


# --- Red's loading rules, near misses and pictures, on our own small fixture lists -----------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "red"


def fixture_items(name: str) -> dict[str, ShortItem]:
    return {item.prompt: item for item in shorts((FIXTURES / name).read_text(), name)}


def test_whitespace_only_differences_between_answers_are_one_answer() -> None:
    items = fixture_items("repeats.yaml")
    assert items["Which city never sleeps?"].answers == ("New York",)


def test_a_folder_loads_every_valid_list_and_reports_the_others_per_file() -> None:
    report = load_each(bank_files(FIXTURES))
    broken = str(FIXTURES / "broken.yaml")
    assert list(report.refused) == [broken]
    assert {item.topic for item in report.items} == {"geography", "repeats"}
    assert report.files == 3
    [warning] = report.warnings
    assert warning.endswith(
        "repeats.yaml:10: question 'Who won in 2010?' repeats line 4; "
        "the copy at line 10 is kept, as Red does"
    )


def test_what_reds_schema_refuses_is_refused_with_its_line() -> None:
    with pytest.raises(BankError) as info:
        load_bank(FIXTURES / "broken.yaml")
    found = [
        problem.split(str(FIXTURES / "broken.yaml") + ":", 1)[1] for problem in info.value.problems
    ]
    assert found == [
        "1: AUTHOR must be text of 1 to 1000 characters",
        "3: CONFIG: delay must be a number of at least 4, got 2",
        "4: CONFIG: timeout must be a positive number, got -1",
        "5: CONFIG: max_score must be a positive whole number, got 0",
        "6: CONFIG: reveal_answer must be true or false, got 'maybe'",
        "7: CONFIG: payout_multiplier must be a number, 0 or more, got -3",
        "8: CONFIG: unknown setting 'colour'; Red knows: max_score, timeout, delay, bot_plays, "
        "reveal_answer, payout_multiplier, use_spoilers",
        "9: the question '1999' is read by YAML as a number, not text: write it in quotes "
        "(Red refuses it too)",
        "12: an answer to 'When?' must be text, a number or true/false (Red refuses it too), "
        "got 2010-07-11",
        "14: an answer to 'Nothing?' must be text, a number or true/false (Red refuses it too), "
        "got ~",
    ]


def test_author_settings_and_the_chosen_level_are_kept() -> None:
    text = (FIXTURES / "geography.yaml").read_text()
    items = load_bank_text(text, "geography.yaml", level="beginner")
    assert {item.author for item in items} == {"quizbot test fixture"}
    assert {item.level for item in items} == {"beginner"}
    assert dict(items[0].settings) == {"reveal_answer": True, "timeout": 30, "delay": 20}
    assert {item.level for item in load_bank_text(text, "geography.yaml")} == {"intermediate"}


def test_a_picture_link_becomes_the_image_and_leaves_the_text() -> None:
    items = fixture_items("geography.yaml")
    mapped = items["What is shown on this map?"]
    assert mapped.image == "https://example.org/maps/usa.png"
    flag = items["What is shown in the picture?"]
    assert flag.image == "https://example.org/flags/fr.png"
    assert items["Which country has Canberra as its capital?"].image is None


@pytest.mark.parametrize(
    ("prompt", "wrong", "right"),
    [
        ("Which country has Canberra as its capital?", "Austria", "Austrailia"),
        ("Which country has Vienna as its capital?", "Australia", "Austira"),
        ("Which country has Banjul as its capital?", "Zambia", "Gambai"),
        ("Which island country has Dublin as its capital?", "Iceland", "Irelnad"),
        ("What is the capital of Jamaica?", "Kingstown", "Kingstno"),
        ("What is the capital of Saint Vincent and the Grenadines?", "Kingston", "Kingstonw"),
        ("Which Pokemon evolves from Pidgey?", "Pidgeot", "Pidgeoto"),
        ("Which Pokemon evolves into Pidgeotto?", "Pidgeotto", "Pidgoet"),
        ("Which red eon Pokemon is female?", "Latios", "Latias"),
        ("Which Canadian territory borders Nunavut to the west?", "Southwest", "Nortwest"),
        ("Which art movement did Monet lead?", "Expressionism", "Impresionism"),
        ("What is in the small bottle?", "Bottle (Full)", "bottle (small)"),
        ("Which blood type has A antigens and the Rh factor?", "B positive", "A positive"),
        ("Where do the heroes of A-city live?", "Z-city", "A-city"),
        ("How many metres is the shortest standard relay leg?", "1,500", "500"),
        ("How many metres is the race after the 1,000 m?", "500", "1500"),
    ],
)
def test_other_answers_of_the_same_list_are_near_misses(
    prompt: str, wrong: str, right: str
) -> None:
    item = fixture_items("geography.yaml")[prompt]
    assert not grade(item, wrong).correct
    assert grade(item, right).correct


def test_a_bare_name_is_not_accepted_when_the_list_tells_qualifiers_apart() -> None:
    item = fixture_items("geography.yaml")["What is in the small bottle?"]
    assert not grade(item, "bottle").correct


def test_a_link_answer_can_be_given_as_a_link() -> None:
    item = fixture_items("geography.yaml")["Which site documents the Doom games?"]
    assert grade(item, "https://doom.fandom.com").correct
    assert grade(item, "it's <https://doom.fandom.com>").correct
    assert not grade(item, "https://zelda.fandom.com").correct


def test_a_typo_is_checked_against_every_listed_spelling_whatever_their_order() -> None:
    items = fixture_items("geography.yaml")
    one = items["Which social network is for professionals?"]
    other = items["Which social network for professionals, spelled the other way?"]
    assert grade(one, "lniked in").correct and grade(other, "lniked in").correct
    assert grade(one, "linkedni").correct and grade(other, "linkedni").correct


LETTER_NAMES = """\
Which blood type can give red cells to every other?:
- O negative
Where does Saitama live?:
- A-city
Which blood type is the most common?:
- A positive
Which vitamin comes from sunlight?:
- Vitamin D
"""


@pytest.mark.parametrize(
    ("prompt", "wrong", "right"),
    [
        # The other name is not in the list: the letter alone tells them apart.
        ("Which blood type can give red cells to every other?", "B negative", "O negative"),
        ("Which blood type can give red cells to every other?", "A negative", "o-negative"),
        ("Where does Saitama live?", "Z-city", "A-city"),
        ("Where does Saitama live?", "B city", "a city"),
        ("Which blood type is the most common?", "B positive", "A positive"),
        ("Which blood type is the most common?", "O positive", "positive"),
    ],
)
def test_a_leading_capital_letter_is_part_of_the_name(prompt: str, wrong: str, right: str) -> None:
    item = {i.prompt: i for i in shorts(LETTER_NAMES, "letters.yaml")}[prompt]
    assert not grade(item, wrong).correct
    assert grade(item, right).correct


def test_a_letter_answer_still_takes_filler_and_typos() -> None:
    item = {i.prompt: i for i in shorts(LETTER_NAMES, "letters.yaml")}
    assert grade(item["Where does Saitama live?"], "I think it's A-city").correct
    assert not grade(item["Where does Saitama live?"], "I think it's Z-city").correct
    blood = item["Which blood type can give red cells to every other?"]
    assert grade(blood, "O negatve").correct
    assert not grade(blood, "B negatve").correct
    assert grade(item["Which vitamin comes from sunlight?"], "vitamin d").correct
    assert not grade(item["Which vitamin comes from sunlight?"], "vitamin c").correct
