"""Loading bank files: every validation error with its file:line, safety limits, the CLI."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from bank import BankError, KeypointsItem, McqItem, ShortItem, TrueFalseItem, cli, load_bank, loader
from bank.loader import load_bank_text

HEADER = "topic: rag\ntitle: Retrieval-augmented generation\nitems:\n"

SHORT = """\
  - id: rag-acronym
    kind: short
    level: beginner
    prompt: In RAG, what does the R stand for?
    answers: [retrieval]
    explanation: Documents are retrieved first.
"""
MCQ = """\
  - id: sampling-nucleus-mcq
    kind: mcq
    level: intermediate
    prompt: Which method samples from the smallest set of tokens above p?
    choices: [Top-k sampling, Nucleus sampling, Beam search, Greedy decoding]
    answer: B
    explanation: Nucleus (top-p) sampling.
"""
TRUEFALSE = """\
  - id: diffusion-forward-tf
    kind: truefalse
    level: beginner
    prompt: The forward diffusion process adds noise.
    answer: true
    explanation: It does, step by step.
"""
KEYPOINTS = """\
  - id: diffusion-how
    kind: keypoints
    level: advanced
    prompt: How does a diffusion model learn?
    points:
      - [adds noise, add noise, noising]
      - [learns to denoise, reverse process]
    need: 1
    explanation: Noise is added, then its removal is learned.
"""


def item(template: str, **replace: str) -> str:
    """A copy of an item template with some `key: value` lines replaced (value "" drops it)."""
    lines = []
    for line in template.splitlines(keepends=True):
        key = line.strip().removeprefix("- ").split(":", 1)[0]
        if key in replace and not line.startswith("      "):
            if replace[key] == "":
                continue
            prefix = line[: line.index(key)]
            line = f"{prefix}{key}: {replace[key]}\n"
        lines.append(line)
    return "".join(lines)


def write(folder: Path, text: str, name: str = "bank.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_in(folder: Path, text: str, name: str = "bank.yaml") -> list[str]:
    path = write(folder, text, name)
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def only_problem(folder: Path, text: str) -> str:
    found = problems_in(folder, text)
    assert len(found) == 1, found
    return found[0]


# --- What loads ----------------------------------------------------------------------------------


def test_every_kind_loads_with_its_origin(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + SHORT + MCQ + TRUEFALSE + KEYPOINTS)
    items = load_bank(path)
    assert [type(i) for i in items] == [ShortItem, McqItem, TrueFalseItem, KeypointsItem]
    assert [i.origin for i in items] == [f"{path}:{n}" for n in (4, 10, 17, 23)]
    assert {i.topic for i in items} == {"rag"}


def test_a_folder_loads_its_yaml_files_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, HEADER.replace("rag", "zeta") + SHORT, "b.yml")
    write(tmp_path, HEADER.replace("rag", "alpha") + MCQ, "a.yaml")
    write(tmp_path, "not: a bank", "notes.txt")
    assert [i.topic for i in load_bank(tmp_path)] == ["alpha", "zeta"]


def test_an_empty_folder_or_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BankError, match=r"no \.yaml or \.yml files"):
        load_bank(tmp_path)
    with pytest.raises(BankError, match="no such file or folder"):
        load_bank(tmp_path / "missing.yaml")


def test_quoted_yes_is_text_and_yes_is_a_truefalse_answer(tmp_path: Path) -> None:
    text = HEADER + item(SHORT, answers='["yes", "no"]') + item(TRUEFALSE, answer="yes")
    short, truefalse = load_bank(write(tmp_path, text))
    assert isinstance(short, ShortItem) and short.answers == ("yes", "no")
    assert isinstance(truefalse, TrueFalseItem) and truefalse.answer is True


def test_block_scalars_and_explicit_str_tags_are_text(tmp_path: Path) -> None:
    prompt = ">-\n      In RAG, what does\n      the R stand for?"
    text = HEADER + item(SHORT, prompt=prompt, answers="[!!str 12]")
    (loaded,) = load_bank(write(tmp_path, text))
    assert loaded.prompt == "In RAG, what does the R stand for?"
    assert isinstance(loaded, ShortItem) and loaded.answers == ("12",)


def test_load_bank_text_names_the_upload_in_origins_and_messages() -> None:
    (loaded,) = load_bank_text(HEADER + SHORT, "mybank.yaml")
    assert loaded.origin == "mybank.yaml:4"
    with pytest.raises(BankError, match=r"^mybank\.yaml:6: rag-acronym: level: unknown level"):
        load_bank_text(HEADER + item(SHORT, level="expert"), "mybank.yaml")


# --- One test per validation error ----------------------------------------------------------------


def test_unknown_key_is_named_with_the_allowed_ones(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "    anwsers: [x]\n")
    assert problem.startswith(f"{tmp_path / 'bank.yaml'}:10: rag-acronym: anwsers: ")
    assert "unknown key 'anwsers'; allowed in a short item: answers, explanation, id" in problem
    assert "(did you mean 'answers'?)" in problem


def test_unknown_top_level_key(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "author: me\n" + HEADER + SHORT)
    assert ":1: unknown top-level key 'author'; allowed: topic, title, items" in problem


def test_missing_required_key(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, explanation=""))
    assert problem.endswith(
        ":4: rag-acronym: missing required key 'explanation' "
        "(a short item needs: id, kind, level, prompt, explanation, answers)"
    )


def test_missing_kind_specific_key(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(MCQ, answer=""))
    assert "missing required key 'answer' (a mcq item needs:" in problem


def test_missing_topic_and_items(tmp_path: Path) -> None:
    found = problems_in(tmp_path, "title: Nothing here\ntopic: rag\n")
    assert found == [
        f"{tmp_path / 'bank.yaml'}:1: missing required key 'items' (the list of questions)"
    ]
    found = problems_in(tmp_path, "items:\n" + SHORT)
    assert "missing required key 'topic'" in found[0]


def test_a_misspelt_items_key_is_not_mistaken_for_a_red_list(tmp_path: Path) -> None:
    found = problems_in(tmp_path, "title: RAG\nitmes:\n" + SHORT)
    assert "unknown top-level key 'itmes'; allowed: topic, title, items" in found[0]
    assert "missing required key 'topic'" in found[1]
    assert "missing required key 'items'" in found[2]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    problem = only_problem(tmp_path, HEADER + SHORT + item(TRUEFALSE, id="rag-acronym"))
    assert problem == f"{path}:10: rag-acronym: duplicate id (first used at {path}:4)"


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, HEADER + SHORT, "a.yaml")
    write(tmp_path, HEADER.replace("rag", "other") + item(MCQ, id="rag-acronym"), "b.yaml")
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert info.value.problems == [
        f"{second}:4: rag-acronym: duplicate id (first used at {first}:4)"
    ]


def test_a_duplicate_id_is_reported_even_when_the_first_item_has_problems(tmp_path: Path) -> None:
    found = problems_in(tmp_path, HEADER + item(SHORT, level="expert") + SHORT)
    assert len(found) == 2
    assert "duplicate id" in found[1]


@pytest.mark.parametrize("bad_id", ["ab", "Rag-Acronym", "rag_acronym", "x" * 65, "'rag acronym'"])
def test_bad_id_format(tmp_path: Path, bad_id: str) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, id=bad_id))
    assert ":4: " in problem
    assert "must be 3 to 64 characters of a-z, 0-9 and '-'" in problem


@pytest.mark.parametrize("bad_topic", ["RAG", "rag_stuff", "'rag stuff'", "12"])
def test_bad_topic_format(tmp_path: Path, bad_topic: str) -> None:
    problem = only_problem(tmp_path, HEADER.replace("rag", bad_topic, 1) + SHORT)
    assert ":1: topic " in problem
    assert "must be made of a-z, 0-9 and '-'" in problem


def test_unknown_kind_lists_the_accepted_ones(tmp_path: Path) -> None:
    found = problems_in(tmp_path, HEADER + item(SHORT, kind="essay"))
    assert found[0].endswith(
        ":5: rag-acronym: kind: unknown kind 'essay'; accepted: short, mcq, truefalse, keypoints"
    )


def test_unknown_level_lists_the_accepted_ones(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, level="expert"))
    assert problem.endswith(
        ":6: rag-acronym: level: unknown level 'expert'; accepted: beginner, intermediate, advanced"
    )


def test_empty_answers(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, answers="[]"))
    assert problem.endswith(":8: rag-acronym: answers: is an empty list: give at least one answer")


def test_empty_answer_text(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, answers='[retrieval, "  "]'))
    assert problem.endswith(":8: rag-acronym: answers[1]: is empty")


def test_duplicate_answers_ignoring_case(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, answers="[Retrieval, retrieval]"))
    assert "answers[1]: duplicate answer 'retrieval' (same as answers[0], ignoring case)" in problem


def test_duplicate_choices_ignoring_case(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(MCQ, choices="[Top-k, TOP-K, Beam]"))
    assert "choices[1]: duplicate choice 'TOP-K'" in problem


def test_mcq_answer_outside_its_choices(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(MCQ, answer="E"))
    assert problem.endswith(
        ":9: sampling-nucleus-mcq: answer: 'E' is not the letter of one of the 4 choices (A-D)"
    )


@pytest.mark.parametrize(
    "choices", ["[Only one]", "[" + ", ".join(f"c{n}" for n in range(11)) + "]"]
)
def test_mcq_needs_2_to_10_choices(tmp_path: Path, choices: str) -> None:
    problem = only_problem(tmp_path, HEADER + item(MCQ, choices=choices, answer="A"))
    assert "an mcq needs 2 to 10 choices" in problem


def test_need_larger_than_the_points(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(KEYPOINTS, need="3"))
    assert problem.endswith(
        ":11: diffusion-how: need: must be between 1 and the number of points (2), got 3"
    )


def test_need_below_one(tmp_path: Path) -> None:
    assert "need: must be between 1" in only_problem(tmp_path, HEADER + item(KEYPOINTS, need="0"))


def test_empty_points(tmp_path: Path) -> None:
    text = HEADER + item(KEYPOINTS).replace(
        "    points:\n      - [adds noise, add noise, noising]\n"
        "      - [learns to denoise, reverse process]\n",
        "    points: []\n",
    ).replace("need: 1", "need: 1")
    found = problems_in(tmp_path, text)
    assert "points: must be a non-empty list of points" in found[0]


def test_empty_phrasings(tmp_path: Path) -> None:
    text = HEADER + item(KEYPOINTS).replace("[learns to denoise, reverse process]", "[]")
    problem = only_problem(tmp_path, text)
    assert problem.endswith(
        ":10: diffusion-how: points[1]: is an empty list: give at least one phrasing"
    )


@pytest.mark.parametrize(
    ("written", "type_name"),
    [
        ("yes", "boolean"),
        ("off", "boolean"),
        ("12", "number"),
        ("3.5", "number"),
        ("2024-01-01", "date"),
        ("null", "null value"),
    ],
)
def test_yaml_scalars_that_are_not_text_must_be_quoted(
    tmp_path: Path, written: str, type_name: str
) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, answers=f"[retrieval, {written}]"))
    assert problem.endswith(
        f":8: rag-acronym: answers[1]: YAML reads {written} as a "
        f'{type_name}, not text: write it in quotes ("{written}")'
    )


def test_a_numeric_prompt_must_be_quoted(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, prompt="42"))
    assert 'prompt: YAML reads 42 as a number, not text: write it in quotes ("42")' in problem


def test_an_empty_value_is_reported_as_empty(tmp_path: Path) -> None:
    found = problems_in(tmp_path, HEADER + item(SHORT, prompt="", answers="[~]") + "    prompt:\n")
    assert any(p.endswith("answers[0]: is empty") for p in found)
    assert any(p.endswith("prompt: is empty") for p in found)


@pytest.mark.parametrize("answer", ['"true"', "maybe", "1"])
def test_truefalse_answer_must_be_a_real_boolean(tmp_path: Path, answer: str) -> None:
    problem = only_problem(tmp_path, HEADER + item(TRUEFALSE, answer=answer))
    assert ":8: diffusion-forward-tf: answer: must be true or false" in problem


@pytest.mark.parametrize("key", ["prompt", "explanation"])
def test_long_texts_are_limited_to_1000_characters(tmp_path: Path, key: str) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, **{key: "x" * 1001}))
    assert f"{key}: is 1001 characters long; keep it to 1000" in problem
    load_bank(write(tmp_path, HEADER + item(SHORT, **{key: "x" * 1000})))


@pytest.mark.parametrize("key", ["prompt", "explanation"])
def test_long_texts_may_not_be_empty(tmp_path: Path, key: str) -> None:
    assert f"{key}: is empty" in only_problem(tmp_path, HEADER + item(SHORT, **{key: '""'}))


@pytest.mark.parametrize("source", ['"2:Q6"', '"002-Q6"', '"002:q6"', '"002:"', '"002:Q6 x"'])
def test_source_format(tmp_path: Path, source: str) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + f"    source: {source}\n")
    assert problem.endswith(
        ":10: rag-acronym: source: "
        + repr(source.strip('"'))
        + ' must be a seed prefix and question label like "002:Q13" (NNN:LABEL)'
    )


@pytest.mark.parametrize("source", ['"003:I18"', "003:I18", "000:12"])
def test_source_is_kept_quoted_or_not(tmp_path: Path, source: str) -> None:
    # Unquoted is fine: YAML 1.1's base-60 numbers (1:30) never start with 0, seed prefixes do.
    text = HEADER + SHORT + f"    source: {source}\n    tags: [retrieval]\n"
    (loaded,) = load_bank(write(tmp_path, text))
    assert loaded.source == source.strip('"') and loaded.tags == ("retrieval",)


def test_reject_overlapping_the_answers(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "    reject: [RETRIEVAL]\n")
    assert "reject[0]: 'RETRIEVAL' is also an accepted answer" in problem


def test_an_item_that_is_not_a_mapping(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + "  - just a question?\n")
    assert problem == f"{tmp_path / 'bank.yaml'}:4: an item must be a mapping (id: ..., kind: ...)"


def test_duplicate_keys_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "    answers: [recall]\n")
    assert problem.endswith(
        ":10: duplicate key 'answers' (first at line 8); YAML would silently keep only the last one"
    )


# --- File-level safety ---------------------------------------------------------------------------


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        HEADER + item(SHORT, level="expert", answers="[yes]") + item(MCQ, answer="Z"),
        "a.yaml",
    )
    write(tmp_path, "topic: b\nitems:\n  - id: b-one\n    kind: essay\n", "b.yaml")
    write(tmp_path, "topic: [broken\n", "c.yaml")
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    found = info.value.problems
    files = [p.split(":")[0].removeprefix(f"{tmp_path}/") for p in found]
    assert files == ["a.yaml"] * 3 + ["b.yaml"] * 4 + ["c.yaml"]
    assert str(info.value).count("\n") == len(found) - 1


def test_line_numbers_point_at_the_offending_line(tmp_path: Path) -> None:
    text = HEADER + SHORT + MCQ + "\n\n# a comment\n" + item(TRUEFALSE, answer='"no"')
    path = write(tmp_path, text)
    with pytest.raises(BankError) as info:
        load_bank(path)
    (problem,) = info.value.problems
    line = text.splitlines().index('    answer: "no"') + 1
    assert problem.startswith(f"{path}:{line}: diffusion-forward-tf: answer: ")


def test_malformed_yaml_gives_file_and_line(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "    prompt: [unclosed\n  - id: x\n")
    assert problem.startswith(f"{tmp_path / 'bank.yaml'}:")
    assert "YAML syntax error" in problem
    line = int(problem.split(":")[1])
    assert 10 <= line <= 12


def test_bad_indentation_gives_its_line(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "   explanation: misaligned\n")
    assert ":10: YAML syntax error" in problem


def test_an_empty_file(tmp_path: Path) -> None:
    assert "the file is empty" in only_problem(tmp_path, "# nothing yet\n")


def test_a_top_level_list(tmp_path: Path) -> None:
    assert "the file is not a mapping" in only_problem(tmp_path, SHORT)


def test_a_second_document_is_refused(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + SHORT + "---\n" + HEADER + MCQ)
    assert ":10: a bank file holds one YAML document" in problem


def test_anchors_are_refused(tmp_path: Path) -> None:
    text = HEADER + item(SHORT, answers="&same [retrieval]")
    problem = only_problem(tmp_path, text)
    assert ":8: YAML anchors and aliases (&name, *name) are not allowed" in problem


def test_aliases_are_refused(tmp_path: Path) -> None:
    text = HEADER + item(SHORT, answers="&same [retrieval]") + item(MCQ, choices="*same")
    assert "anchors and aliases" in only_problem(tmp_path, text)


def test_a_billion_laughs_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    start = time.perf_counter()
    problem = only_problem(tmp_path, "\n".join(bomb) + "\n")
    assert time.perf_counter() - start < 1.0
    assert ":1: YAML anchors and aliases" in problem


def test_a_3_mb_file_is_refused_before_parsing(tmp_path: Path) -> None:
    # Invalid YAML past the first line: a parse would report that, the size check comes first.
    text = HEADER + SHORT + "  - [" * 10 + "x" * (3 * 1024 * 1024)
    start = time.perf_counter()
    problem = only_problem(tmp_path, text)
    assert time.perf_counter() - start < 1.0
    assert problem == f"{tmp_path / 'bank.yaml'}:1: file is 3.0 MB, over the 2 MB limit"


def test_a_3_mb_upload_is_refused() -> None:
    with pytest.raises(BankError, match=r"^big\.yaml:1: file is 3\.0 MB, over the 2 MB limit$"):
        load_bank_text("x" * (3 * 1024 * 1024), "big.yaml")


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    text = HEADER + item(SHORT, prompt="!!python/object/apply:os.system [echo hacked]")
    found = problems_in(tmp_path, text)
    assert any(
        "the YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed" in p
        for p in found
    )


# Deeper than Python's recursion limit: anything recursive on the way would raise RecursionError.
DEPTH = max(5000, 2 * sys.getrecursionlimit())
DEEP_FILES = {
    # Flow collections on one line: libyaml scans ahead and may refuse them itself.
    "flow lists": ("topic: rag\nitems: " + "[" * DEPTH + "]" * DEPTH + "\n", 2),
    "flow mappings": ("topic: rag\nitems: " + "{a: " * DEPTH + "1" + "}" * DEPTH + "\n", 2),
    # Block collections, one level a line (indents grow, so fewer levels keep it under the size
    # limit; still past libyaml's own limit): ours (16) is reached on line 18.
    "block lists": (
        "topic: rag\nitems:\n" + "".join(" " * i + "-\n" for i in range(1, 1200)) + "x\n",
        18,
    ),
}


@pytest.mark.parametrize("yaml_loader", loader.YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("name", DEEP_FILES)
def test_deep_nesting_is_refused_without_recursion(
    tmp_path: Path, name: str, yaml_loader: loader.YamlLoader
) -> None:
    # Whichever layer refuses it (our depth check, or the parser's own limit), the author sees
    # one problem located at a file and line, and the file is refused.
    text, line = DEEP_FILES[name]
    path = write(tmp_path, text)
    with pytest.raises(BankError) as info:
        load_bank(path, yaml_loader=yaml_loader)
    assert info.value.problems == [str(info.value)]
    assert str(info.value).startswith(f"{path}:{line}: ")
    with pytest.raises(BankError, match=rf"^up\.yaml:{line}: "):
        load_bank_text(text, "up.yaml", yaml_loader=yaml_loader)


def test_every_yaml_parser_is_tried() -> None:
    # The parser used by default is among those the tests above run with.
    assert yaml.SafeLoader in loader.YAML_LOADERS
    assert loader.DEFAULT_YAML_LOADER in loader.YAML_LOADERS
    assert getattr(yaml, "CSafeLoader", yaml.SafeLoader) in loader.YAML_LOADERS


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_bytes((HEADER + SHORT).encode() + b"    tags: [caf\xe9]\n")
    with pytest.raises(BankError, match=r":10: not UTF-8 text"):
        load_bank(path)


def test_lone_surrogates_in_an_upload_are_reported() -> None:
    with pytest.raises(BankError, match=r"^up\.yaml:2: not valid Unicode text"):
        load_bank_text("topic: rag\nitems: [\ud800]\n", "up.yaml")


def test_control_characters_are_reported_with_their_line(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, HEADER + item(SHORT, prompt="bell \x07 here"))
    assert ":7: unreadable character" in problem


def test_the_pure_python_parser_gives_the_same_results(tmp_path: Path) -> None:
    # PyYAML built without libyaml falls back to its Python parser: same items, lines, problems.
    good = write(tmp_path, HEADER + SHORT + MCQ + TRUEFALSE + KEYPOINTS, "good.yaml")
    bad = write(tmp_path, HEADER + item(SHORT, answers="[yes, 12]", level="expert") + SHORT)
    broken = write(tmp_path, HEADER + SHORT + "  - [\n", "broken.yaml")
    results = []
    for parser in (yaml.CSafeLoader, yaml.SafeLoader):
        items = load_bank(good, yaml_loader=parser)
        with pytest.raises(BankError) as bad_info:
            load_bank(bad, yaml_loader=parser)
        with pytest.raises(BankError, match=r"^\S+broken\.yaml:11: YAML syntax error: "):
            load_bank(broken, yaml_loader=parser)  # the wording differs between the parsers
        results.append(([i.origin for i in items], items, bad_info.value.problems))
        with pytest.raises(BankError, match=r":7: unreadable character"):
            load_bank_text(
                HEADER + item(SHORT, prompt="bell \x07 here"), "bell.yaml", yaml_loader=parser
            )
    assert results[0] == results[1]


# --- The CLI --------------------------------------------------------------------------------------


def test_cli_validate_reports_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # rag-acronym is a built-in id, which /bank import (and so validate) refuses
    write(tmp_path, HEADER + SHORT.replace("rag-acronym", "rag-letter") + MCQ, "a.yaml")
    write(tmp_path, HEADER.replace("rag", "diffusion") + KEYPOINTS, "b.yaml")
    assert cli.validate([str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "ok: 3 items in 2 files"


def test_cli_validate_prints_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, HEADER + SHORT.replace("rag-acronym", "rag-letter"), "good.yaml")
    bad = write(tmp_path, HEADER + item(MCQ, answer="Z", level="expert"), "bad.yaml")
    assert cli.validate([str(good), str(bad), str(tmp_path / "missing.yaml")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{tmp_path / 'missing.yaml'}: no such file or folder"
    assert len(lines) == 5 and all(line.startswith(str(bad)) for line in lines[1:3])
    assert lines[-2] == "ok: 1 item in 1 file; the refused files are left out"
    assert lines[-1] == "3 problems in 1 refused file"


def test_cli_stats_of_another_bank_shows_its_table_and_no_seed_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, HEADER + SHORT + '    source: "000:1"\n' + MCQ + KEYPOINTS)
    assert cli.stats(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "rag    beginner" in out
    assert out.rstrip().endswith("3 items in 1 topic; quick items (short, mcq, truefalse): 2")
    # The seed labels are the built-in bank's; a community bank is not measured against them.
    assert "seed coverage" not in out and "not covered" not in out


def test_cli_stats_fails_on_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, HEADER + item(SHORT, level="expert"))
    assert cli.stats(str(tmp_path)) == 1
    assert "unknown level 'expert'" in capsys.readouterr().err


def test_cli_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.schema() == 0
    assert json.loads(capsys.readouterr().out)["title"] == "quizbot question bank"


def test_coverage_lists_unknown_sources() -> None:
    (loaded,) = load_bank_text(HEADER + SHORT + '    source: "009:Q1"\n', "x.yaml")
    coverage = cli.seed_coverage([loaded], ["000:1"])
    assert coverage.unknown == ["009:Q1"] and coverage.missing == ["000:1"]


def test_item_template_helper_replaces_and_drops_lines() -> None:
    changed = item(SHORT, level="advanced", explanation="")
    assert "level: advanced" in changed and "explanation" not in changed
    assert textwrap.dedent(changed).startswith("- id: rag-acronym")
