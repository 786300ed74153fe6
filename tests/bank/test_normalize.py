"""Normalisation, matching helpers and the confusables table, tested on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bank.confusables import (
    BUILTIN_CONFUSABLES,
    builtin_confusables,
    load_confusables,
    parse_confusables,
)
from bank.matching import make_phrase, typo_budget
from bank.negation import is_negated
from bank.normalize import (
    MAX_REPLY_CHARS,
    clean_markup,
    fold,
    normalize,
    normalize_reply,
    phrase_tokens,
    stem,
)
from bank.schema import BankError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Top-P.", "top p"),
        ("top p", "top p"),
        ("top-p", "top p"),
        ("TOP‑P", "top p"),  # non-breaking hyphen
        ("Ｔｏｐ－ｐ", "top p"),  # full-width forms (NFKC)
        ("nucléus sampling", "nucleus sampling"),
        ("l̷̛o̴r̵a̸", "lora"),  # zalgo: combining marks dropped
        ("Straße", "strass"),  # casefold, not lower (then the final "e" is folded)
        ("it’s top-p", "top p"),  # smart apostrophe, leading filler
        ("Q&A", "q and"),  # "a" is an article, dropped on both sides alike
        ("R & D", "r and d"),
        ("I think it's the nucleus sampling!", "nucleus sampling"),
        ("The answer is: LoRA", "lora"),
        ("Answer: LoRA", "lora"),
        ("hmm, maybe LoRA", "lora"),
        ("GPT-3.5", "gpt 3.5"),
        ("gpt3", "gpt 3"),
        ("llama2-7b", "llama 2 7 b"),
        ("e.g. LoRA", "e g lora"),
        ("GANs", "gan"),
        ("embeddings", "embedding"),
        ("queries", "query"),
        ("losses", "loss"),
        ("biases", "bias"),
        ("caches", "cach"),
        ("noise is added", "nois is add"),
        ("it", "it"),  # filler is never stripped down to nothing
        ("a", "a"),  # an article alone is kept
        ("", ""),
        ("   \n\t", ""),
        ("?!", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**bold** __under__ ~~strike~~ ||spoiler||", "bold under strik spoiler"),
        ("`inline` code", "inlin cod"),
        ("```python\nlora\n```", "lora"),
        ("```lora```", "lora"),
        ("> quoted lora", "quot lora"),
        (">>> quoted\nlora", "quot lora"),
        ("# heading lora", "heading lora"),
        ("<@123456> <@!42> <@&7> <#99> lora", "lora"),
        ("lora <:pepe:123> <a:dance:456>", "lora"),
        ("lora <t:1700000000:R>", "lora"),
        ("see https://arxiv.org/abs/2106.09685 lora", "see lora"),
        ("<https://example.com/x> lora", "lora"),
    ],
)
def test_discord_markup_is_removed(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_clean_markup_keeps_the_words_it_wraps() -> None:
    assert clean_markup("**LoRA**").split() == ["LoRA"]


def test_fold_is_idempotent_on_ascii() -> None:
    assert fold(fold("Top-P & GPT's")) == fold("Top-P & GPT's")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("gan", "gans"),
        ("embedding", "embeddings"),
        ("query", "queries"),
        ("loss", "losses"),
        ("bias", "biases"),
        ("cache", "caches"),
        ("noise", "noises"),
        ("add", "added"),
        ("class", "classes"),
    ],
)
def test_stem_meets_singular_and_plural(one: str, other: str) -> None:
    assert stem(one) == stem(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("noise", "noising"), ("ground", "grounding"), ("mode", "model"), ("lora", "qlora")],
)
def test_stem_keeps_different_words_apart(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_stem_leaves_short_words_and_numbers() -> None:
    assert [stem(word) for word in ("gas", "yes", "its", "3.5")] == ["gas", "yes", "its", "3.5"]


def test_clauses_split_at_punctuation_and_but_not_inside_numbers() -> None:
    text = normalize_reply("lora, not qlora. gpt 3.5 but x")
    assert text.tokens == ("lora", "not", "qlora", "gpt", "3.5", "x")
    assert text.clauses == (0, 1, 1, 2, 2, 3)


def test_reply_is_cut_at_the_limit() -> None:
    text = normalize_reply("x " * MAX_REPLY_CHARS + "lora")
    assert "lora" not in text.tokens


def test_words_keep_the_unstemmed_form_for_display() -> None:
    text = normalize_reply("Temperatures")
    assert text.tokens == ("temperatur",)
    assert text.words == ("temperatures",)


@pytest.mark.parametrize(
    ("length", "budget"), [(1, 0), (4, 0), (5, 1), (8, 1), (9, 2), (14, 2), (15, 3), (40, 3)]
)
def test_typo_budget_grows_with_length(length: int, budget: int) -> None:
    assert typo_budget(length) == budget


def test_phrase_budgets_are_per_word_and_zero_for_numbers() -> None:
    phrase = make_phrase("nucleus sampling")
    assert phrase is not None and phrase.budgets == (1, 1)
    gpt = make_phrase("GPT-3.5")
    assert gpt is not None and gpt.tokens == ("gpt", "3.5") and gpt.budgets == (0, 0)
    assert make_phrase("?!") is None


def test_phrase_tokens_strip_leading_filler_like_replies() -> None:
    assert phrase_tokens("It is fine-tuned") == normalize_reply("it's fine-tuned").tokens


@pytest.mark.parametrize(
    ("reply", "word", "negated"),
    [
        ("not lora", "lora", True),
        ("it is not lora", "lora", True),
        ("it does not really add noise", "add", True),
        ("no noise", "nois", True),
        ("lora without noise", "nois", True),
        ("lora instead of qlora", "qlora", True),
        ("lora rather than qlora", "qlora", True),
        ("no, it's lora", "lora", False),
        ("isn't it lora", "lora", False),
        ("lora, not qlora", "lora", False),
        ("not sure. lora", "lora", False),
    ],
)
def test_negation_is_scoped_to_the_clause(reply: str, word: str, negated: bool) -> None:
    text = normalize_reply(reply)
    assert is_negated(text, text.tokens.index(word)) is negated


# --- the confusables table --------------------------------------------------------------


def test_builtin_table_loads_once() -> None:
    table = builtin_confusables()
    assert table is builtin_confusables()
    assert len(table) >= 30


def test_builtin_table_documents_its_format() -> None:
    header = BUILTIN_CONFUSABLES.read_text(encoding="utf-8").splitlines()[:5]
    assert all(line.startswith("#") for line in header)


def test_related_terms_of_an_answer() -> None:
    related = builtin_confusables().related(["top-p"])
    rivals = {rival.name for rival in related.rivals}
    assert {"top-k", "top-k sampling"} <= rivals
    assert "nucleus sampling" in {synonym.name for synonym in related.synonyms}


def test_no_rival_when_the_answer_names_both_terms() -> None:
    related = builtin_confusables().related(["top-k and top-p"])
    assert "top-k" not in {rival.name for rival in related.rivals}


def test_synonyms_in_the_prompt_are_not_accepted() -> None:
    related = builtin_confusables().related(
        ["retrieval-augmented generation"], prompt="What does RAG stand for?"
    )
    assert "RAG" not in {synonym.name for synonym in related.synonyms}


def test_load_an_extra_table(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("- what: vector store\n  terms: [FAISS, Annoy]\n", encoding="utf-8")
    table = load_confusables(extra)
    assert len(table) == len(builtin_confusables()) + 1
    alone = load_confusables(extra, builtin=False)
    assert [rival.name for rival in alone.related(["FAISS"]).rivals] == ["Annoy"]


@pytest.mark.parametrize(
    "document",
    [
        {"terms": ["a", "b"]},
        [{"terms": ["only one"]}],
        [{"terms": "not a list"}],
        [{"what": "", "terms": ["a", "b"]}],
        [{"terms": ["a", {"b": 1}]}],
        [{"terms": ["a", "b"], "colour": "red"}],
        ["just a string"],
    ],
)
def test_bad_tables_are_rejected(document: object) -> None:
    with pytest.raises(BankError):
        parse_confusables(document, "extra.yaml")


def test_unreadable_table_is_a_bank_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("- what: [unclosed\n", encoding="utf-8")
    with pytest.raises(BankError, match=r"broken\.yaml"):
        load_confusables(broken)
