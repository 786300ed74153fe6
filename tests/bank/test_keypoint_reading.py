"""Keypoint answers read as an interviewer would (issue 19): word forms, what a negator
scopes over, negative-form ideas, keyword salad, and the verdict on blind answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bank import BUILTIN_BANK, load_bank
from bank.grading import grade
from bank.lemmas import lemma_key
from bank.salad import asks_for_explanation
from bank.schema import KeypointsItem

EVAL_SET = Path(__file__).resolve().parents[2] / "bench" / "grading_eval"


def keypoints(
    points: list[list[str]],
    need: int,
    prompt: str = "Explain it.",
    misconceptions: tuple[str, ...] = (),
) -> KeypointsItem:
    return KeypointsItem(
        misconceptions=misconceptions,
        id="k-reading",
        topic="test",
        level="intermediate",
        prompt=prompt,
        explanation="Because.",
        points=tuple(tuple(point) for point in points),
        need=need,
    )


AGENT = keypoints(
    [["autonomy", "acts on its own"], ["plans steps", "planning"], ["tools"], ["goals"]],
    need=3,
    prompt="What makes an agent agentic?",
)
SERVING = keypoints(
    [["quantization"], ["KV cache"], ["debug"]], need=3, prompt="How do you make serving cheaper?"
)
UNSUPERVISED = keypoints(
    [["needs no labelled data", "without labels"], ["finds patterns", "groups similar data"]],
    need=2,
    prompt="How does unsupervised learning differ from supervised learning?",
)

# --- word forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        ("quantize", "quantization", "quantized", "quantizing", "quantise", "quantisation"),
        ("cache", "caching", "cached", "caches"),
        ("debug", "debugging", "debugged"),
        ("label", "labelled", "labeled", "labels"),
        ("evaluate", "evaluation", "evaluates"),
        ("retrieve", "retrieval", "retrieved"),
        ("reduce", "reduction", "reduces"),
        ("embed", "embedding", "embeddings"),
        ("sample", "sampling", "sampled"),
        ("gan", "gans"),
    ],
)
def test_forms_of_one_word_share_a_lemma_key(forms: tuple[str, ...]) -> None:
    assert len({lemma_key(form) for form in forms}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("gan", "gin"),
        ("better", "good"),
        ("mode", "model"),
        ("lora", "qlora"),
        ("noise", "nose"),
        ("meanings", "means"),
        ("settings", "sets"),
    ],
)
def test_different_words_keep_different_keys(one: str, other: str) -> None:
    assert lemma_key(one) != lemma_key(other)


def test_word_forms_earn_the_point() -> None:
    reply = "We quantize the weights to 4 bits, use KV caching, and spend a lot of time debugging."
    result = grade(SERVING, reply)
    assert result.correct, result.reason
    assert result.matched == ("quantization", "KV cache", "debug")


def test_clipped_words_are_the_full_word() -> None:
    item = keypoints([["extra information"], ["documents"]], need=2)
    assert grade(item, "You give it extra info, for example from the docs.").correct


def test_word_order_and_forms_together() -> None:
    item = keypoints([["weight quantization"]], need=1)
    assert grade(item, "It works by quantizing the weights to int8.").correct


def test_a_one_word_ing_phrasing_is_not_its_bare_noun() -> None:
    # "noising" is the process; "removes noise" says the opposite step.
    item = keypoints([["adds noise", "noising"], ["remove noise"]], need=2)
    assert not grade(item, "it removes noise").correct
    assert grade(item, "the images are noised step by step, then it learns to remove noise").correct


def test_a_real_word_is_no_typo_of_a_rubric_word() -> None:
    # "around" is one letter from "ground", but it is a word of its own, not a slip.
    item = keypoints([["ground the answer"]], need=1)
    assert not grade(item, "I'd set it to around 1.5 for the answer.").correct
    result = grade(item, "You grond the answer in retrieved documents.")
    assert result.correct and result.matched == ("ground the answer",), result.reason


def test_digits_stay_exact() -> None:
    item = keypoints([["GPT-4"]], need=1, prompt="Name the model.")
    assert not grade(item, "GPT-3").correct
    assert grade(item, "GPT-4").correct


def test_a_negating_prefix_is_no_typo() -> None:
    item = keypoints([["supervised learning"]], need=1, prompt="Name the paradigm.")
    assert not grade(item, "unsupervised learning").correct


# --- what a negator scopes over --------------------------------------------------------------


def test_a_negated_list_earns_none_of_its_items() -> None:
    result = grade(AGENT, "It lacks autonomy, planning, tools and goals.")
    assert result.score == 0.0
    assert "was negated" in result.reason
    assert grade(AGENT, "It has no autonomy, planning, tools or goals.").score == 0.0


def test_no_before_a_word_denies_it() -> None:
    assert "tools" not in grade(AGENT, "The agent plans steps and uses no tools.").matched


def test_the_denial_ends_where_the_list_does() -> None:
    result = grade(AGENT, "It has no autonomy or planning, but it uses tools to reach its goals.")
    assert result.matched == ("tools", "goals")


def test_a_new_predicate_after_and_is_not_denied() -> None:
    result = grade(UNSUPERVISED, "It does not need labels and finds patterns on its own.")
    assert result.correct, result.reason


def test_no_need_to_denies_what_is_not_needed() -> None:
    item = keypoints([["without retraining the model"], ["retrieves documents"]], need=2)
    assert grade(item, "There is no need to retrain the model: it retrieves documents.").correct
    assert not grade(item, "You need to retrain the model, then it retrieves documents.").correct


@pytest.mark.parametrize(
    "reply",
    [
        "Chunking isn't really needed, and we retrieve documents.",
        "Chunking is not necessary; we retrieve documents.",
        "We retrieve documents. Chunking and overlap aren't required.",
        "We retrieve documents; chunking doesn't really matter.",
        "Chunking isn't an issue, so we retrieve documents.",
        "Chunking isn't a big problem, so we retrieve documents.",
        "We retrieve documents; chunking doesn't apply here.",
        "We retrieve documents; chunking isn't worth the effort.",
        "Chunking is pointless when we retrieve documents.",
        "We retrieve documents, which removes the need for chunking.",
        "We retrieve documents; chunking also washes out at scale.",
    ],
)
def test_not_needed_after_a_subject_denies_it(reply: str) -> None:
    item = keypoints([["chunking"], ["retrieve documents"]], need=2)
    result = grade(item, reply)
    assert result.matched == ("retrieve documents",), result.reason


def test_doesnt_apply_with_an_object_dismisses_nothing() -> None:
    item = keypoints([["the retriever"], ["chunking"]], need=2)
    result = grade(item, "The retriever doesn't apply chunking twice; chunking happens once.")
    assert result.correct, result.reason


def test_not_needed_denies_its_own_subject_only() -> None:
    item = keypoints([["chunking"], ["reranking"]], need=2)
    result = grade(item, "We always use chunking; reranking is not needed for small corpora.")
    assert result.matched == ("chunking",), result.reason


def test_useless_denies_its_subject_only() -> None:
    item = keypoints([["chunking"], ["reranking"]], need=2)
    result = grade(item, "We always use chunking; reranking is overkill for small corpora.")
    assert result.matched == ("chunking",), result.reason
    assert "for saying 'reranking is not needed', which is wrong" in result.reason


def test_dont_need_reaches_as_far_as_no_need() -> None:
    item = keypoints([["human review"], ["audit log"]], need=2)
    result = grade(item, "You don't need your own human review, just an audit log.")
    assert result.matched == ("audit log",), result.reason


def test_saying_a_key_point_is_not_needed_is_a_wrong_claim() -> None:
    item = keypoints([["chunking"], ["embedding"], ["retrieval"]], need=2)
    result = grade(item, "Embed each file and run retrieval. Chunking isn't really needed.")
    assert not result.correct
    assert "for saying 'chunking is not needed', which is wrong" in result.reason, result.reason


def test_a_point_said_elsewhere_is_no_such_claim() -> None:
    item = keypoints([["disclosure"], ["labels"]], need=2)
    reply = "Add labels and a disclosure to AI text; a spellcheck doesn't need disclosure."
    assert grade(item, reply).correct


@pytest.mark.parametrize(
    "reply", ["Turn off batching, then stream the tokens.", "Disable batching; stream."]
)
def test_turning_off_denies_what_is_turned_off(reply: str) -> None:
    item = keypoints([["batching"], ["stream"]], need=2)
    result = grade(item, reply)
    assert result.matched == ("stream",), result.reason
    assert grade(item, "Turn on batching, then stream the tokens.").correct


def test_a_clause_after_a_comma_is_not_denied() -> None:
    item = keypoints([["clusters"], ["labels"]], need=1)
    assert grade(item, "Without labels, it clusters the data.").matched == ("clusters",)


def test_not_just_affirms() -> None:
    item = keypoints([["images"]], need=1)
    assert grade(item, "It produces not just text but images too.").correct


def test_a_question_is_no_denial() -> None:
    item = keypoints([["adds noise"]], need=1)
    assert grade(item, "Doesn't it add noise at every step of the forward process?").correct


# --- negative-form ideas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "No labelled data needed; it finds patterns on its own.",
        "Labelled data is not needed, and it groups similar data together.",
        "It needs no labelled data: it finds patterns in raw data.",
        "It works without labels and finds patterns by itself.",
    ],
)
def test_a_negative_form_idea_is_met_by_a_denial(reply: str) -> None:
    result = grade(UNSUPERVISED, reply)
    assert result.correct, result.reason


def test_a_negative_form_idea_is_not_met_by_its_opposite() -> None:
    result = grade(UNSUPERVISED, "It needs labelled data and finds patterns in it.")
    assert result.matched == ("finds patterns",)
    assert "negated" not in result.reason  # it was said the other way round, not denied


def test_non_in_a_phrasing_is_part_of_the_word() -> None:
    item = keypoints([["non-linear activation"]], need=1)
    assert grade(item, "Each layer applies a non-linear activation to its input.").correct


# --- the question's own words, and wrong claims -----------------------------------------------


def test_repeating_the_question_earns_no_point() -> None:
    item = keypoints(
        [["examples", "demonstrations"], ["in the prompt"], ["infers the pattern"]],
        need=2,
        prompt="How does few-shot prompting work, and how does the model use the examples?",
    )
    result = grade(item, "You give the model a few examples and it uses the examples.")
    assert not result.correct
    assert result.reason.startswith("not accepted: 0 of 3 points"), result.reason
    # Said in other words, the same idea counts.
    assert grade(item, "You put demonstrations in the prompt and it infers the pattern.").correct


SUMMARY = keypoints(
    [["shorter version"], ["extractive", "copies sentences"], ["abstractive", "new sentences"]],
    need=3,
    prompt="What is text summarization, and what are its two main types?",
    misconceptions=("extractive writes new sentences", "abstractive copies", "never hallucinates"),
)


def test_a_wrong_claim_costs_a_point() -> None:
    reply = (
        "A shorter version of a text. Extractive summaries write new sentences in the model's"
        " own words, abstractive ones copy sentences from the source."
    )
    result = grade(SUMMARY, reply)
    assert not result.correct
    assert result.reason.startswith(
        "not accepted: 1 of 3 points (2 points off for saying 'extractive writes new sentences'"
        " and 'abstractive copies', which is wrong)"
    ), result.reason


def test_an_answer_with_every_point_and_a_wrong_claim_is_not_accepted() -> None:
    reply = (
        "A shorter version: extractive copies sentences, abstractive writes new sentences,"
        " and abstractive copies the source's layout."
    )
    result = grade(SUMMARY, reply)
    assert not result.correct and result.score == 2 / 3
    assert result.reason == (
        "not accepted: 2 of 3 points (a point off for saying 'abstractive copies', which is wrong)"
    )


def test_the_right_claim_in_the_same_words_costs_nothing() -> None:
    reply = (
        "It gives a shorter version of a text: extractive copies sentences from the source,"
        " abstractive writes new sentences. Abstractive can hallucinate; extractive never does."
    )
    result = grade(SUMMARY, reply)
    assert result.correct and result.reason == "accepted: all 3 points", result.reason


def test_the_llm_and_the_model_are_one_subject_in_a_claim() -> None:
    item = keypoints(
        [["retrieves documents"], ["adds them to the prompt"]],
        need=2,
        misconceptions=("train the model on the documents",),
    )
    said = "Train the LLM on the documents; it retrieves documents and adds them to the prompt."
    result = grade(item, said)
    assert "for saying 'train the model on the documents'" in result.reason, result.reason
    assert not grade(item, said.replace("LLM", "llama")).reason.count("off for saying")


def test_a_denied_misconception_costs_nothing() -> None:
    reply = (
        "A shorter version of the text. Extractive copies sentences; abstractive writes new"
        " sentences, and it is not true that abstractive copies anything."
    )
    assert grade(SUMMARY, reply).correct


GENERATES = keypoints(
    [["learns patterns"], ["new content"]],
    need=2,
    misconceptions=(
        "copies existing content",
        "fine-tuning trains from scratch",
        "it is a search engine",
    ),
)


@pytest.mark.parametrize(
    "reply",
    [
        "It learns patterns and makes new content; it does not just copy existing content.",
        "It learns patterns and makes new content rather than copying existing content.",
        "It learns patterns for new content; fine-tuning is cheaper than training from scratch.",
        "It learns patterns and makes new content: it is like a search engine that writes.",
    ],
)
def test_a_claim_rejected_or_compared_against_costs_nothing(reply: str) -> None:
    result = grade(GENERATES, reply)
    assert result.correct and result.reason == "accepted: all 2 points", result.reason


def test_a_misconception_may_be_a_negative_claim() -> None:
    reply = (
        "A shorter version: extractive copies sentences, abstractive writes new sentences"
        " and it never hallucinates."
    )
    result = grade(SUMMARY, reply)
    assert not result.correct
    assert "for saying 'never hallucinates', which is wrong" in result.reason


def test_an_absolute_claim_costs_a_point_on_any_question() -> None:
    item = keypoints([["retrieves documents"], ["adds them to the prompt"]], need=2)
    said = "It retrieves documents and adds them to the prompt, so it never hallucinates."
    result = grade(item, said)
    assert not result.correct
    assert "(a point off for saying 'never hallucinates', which is wrong)" in result.reason
    hedged = (
        "It retrieves documents and adds them to the prompt, which does not eliminate"
        " hallucinations."
    )
    assert grade(item, hedged).correct


@pytest.mark.parametrize(
    ("said", "claim"),
    [
        ("Certified vendors make the output automatically compliant.", "automatically compliant"),
        ("Bias matters less now that the models are already conscious.", "models are conscious"),
        ("Output and bias are basically the same thing.", "basically the same"),
        ("Model collapse is the same thing as bias.", "is the same thing as"),
        ("Fine-tuning on the output removes hallucinations.", "removes hallucinations"),
        ("The model memorises every bias it saw.", "memorizes every"),
        ("It searches a huge database of output.", "huge database of"),
        ("Bias comes from magic keywords in the output.", "magic keywords"),
        ("A higher temperature makes the output faster.", "higher temperature faster"),
    ],
)
def test_compliance_and_minds_are_absolute_claims_too(said: str, claim: str) -> None:
    item = keypoints([["output"], ["bias"]], need=2)
    result = grade(item, f"We check the output for bias. {said}")
    assert not result.correct
    assert f"for saying {claim!r}" in result.reason, result.reason
    assert grade(item, "We check the output for bias; no model is conscious.").correct


# --- keyword salad ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply", ["autonomy plans steps tools goals", "Autonomy, planning, tools, goals."]
)
def test_a_bare_list_of_terms_is_no_explanation(reply: str) -> None:
    result = grade(AGENT, reply)
    assert not result.correct
    assert result.score <= 0.25
    assert "answer in sentences: explain how they relate" in result.reason


def test_the_same_terms_in_a_sentence_pass() -> None:
    reply = (
        "An agent acts on its own: it plans steps, calls tools when it needs them,"
        " and keeps its goals in view."
    )
    result = grade(AGENT, reply)
    assert result.correct and result.score == 1.0, result.reason


def test_a_list_question_accepts_a_list() -> None:
    item = keypoints(
        [["GPT"], ["Llama"], ["Claude"]], need=3, prompt="Name three large language models."
    )
    assert grade(item, "GPT, Llama, Claude").correct


@pytest.mark.parametrize(
    ("prompt", "explains"),
    [
        ("Explain how self-attention works.", True),
        ("Why do LLMs hallucinate?", True),
        ("Compare LoRA and full fine-tuning.", True),
        ("What is RAG?", True),
        ("Name three generative AI applications.", False),
        ("List the key features of generative AI.", False),
        ("Name one generative AI tool and say what it creates.", True),
        ("Name the open LLM families and any caveats about calling them open.", True),
        ("What ethical concerns does wide use raise? Give concrete examples.", True),
    ],
)
def test_which_questions_ask_for_sentences(prompt: str, explains: bool) -> None:
    assert asks_for_explanation(prompt) is explains


def test_a_caveats_question_refuses_a_bare_list() -> None:
    item = keypoints(
        [["Llama", "Mistral"], ["open weights", "licence limits use"]],
        need=2,
        prompt="Name the main open LLM families and any caveats about calling them open source.",
    )
    assert not grade(item, "Llama, open weights").correct
    assert grade(item, "Llama is open weights only: its training data is not released").correct


# --- a long worked answer ---------------------------------------------------------------------

PIPELINE = keypoints(
    [["chunking"], ["embedding"], ["vector database"], ["retrieval"]],
    need=4,
    prompt="Which components would you build for a RAG pipeline?",
)
# Names chunking, retrieval and an embedding step; "searchable store" is no rubric phrasing.
_WORKED = (
    "I would start by collecting the documents my users care about and cleaning them, then "
    "chunking them into passages of a few hundred words with a little overlap so that no "
    "answer is cut in half. Each passage goes through an embedding model, and the results go "
    "into a searchable store that we can query quickly. At question time the retrieval step "
    "finds the closest passages, and they are put in front of the model with the question, "
    "with an instruction to answer only from them and to say so when they do not cover it. "
    "Finally I would log every question and answer so we can check quality over time."
)


def test_a_long_worked_answer_may_miss_one_point() -> None:
    result = grade(PIPELINE, _WORKED)
    assert len(result.matched) == 3 and result.correct, result.reason


def test_a_short_answer_gets_no_such_slack() -> None:
    result = grade(PIPELINE, "Chunking, then an embedding model, then retrieval of passages.")
    assert len(result.matched) == 3 and not result.correct, result.reason


def test_a_long_answer_with_a_misconception_gets_no_slack() -> None:
    item = keypoints(
        [list(point) for point in PIPELINE.points],
        need=4,
        prompt=PIPELINE.prompt,
        misconceptions=("never hallucinates",),
    )
    result = grade(item, _WORKED + " With this design the assistant never hallucinates.")
    assert not result.correct, result.reason


def test_a_long_answer_two_points_short_is_not_accepted() -> None:
    reply = _WORKED.replace("chunking them", "cutting them")
    result = grade(PIPELINE, reply)
    assert len(result.matched) == 2 and not result.correct, result.reason


# --- a short answer keeps need -----------------------------------------------------------------

TRANSFORMER = keypoints(
    [["attention"], ["parallel"], ["encoder"], ["2017"]],
    need=2,
    prompt="What is a transformer in AI?",
)


def test_an_answer_with_the_points_passes_whatever_its_length() -> None:
    # The same two points in one line and in three sentences: length alone never refuses it.
    terse = "It uses attention over all the words in parallel."
    longer = (
        "A transformer is a kind of neural network for sequences. Its core is attention: each "
        "word weighs every other word, and it reads the whole sentence in parallel rather than "
        "word by word, which made training on huge text collections practical."
    )
    for reply in (terse, longer):
        result = grade(TRANSFORMER, reply)
        assert result.correct and len(result.matched) == 2, result.reason


# --- blind answers (bench/grading_eval, tune part only) ---------------------------------------

# (question id, answer kind): strong and plain answers pass, weak and wrong ones do not.
PINNED = [
    ("deployment-production-llm-design", "strong"),
    ("fine-tuning-instruction-alignment-challenges", "plain"),
    ("fine-tuning-rlhf-why", "strong"),
    ("fundamentals-interview-definition", "plain"),
    ("fundamentals-interview-definition", "strong"),
    ("fundamentals-summarization", "strong"),
    ("llms-reasoning-models", "plain"),
    ("rag-effect-on-accuracy", "plain"),
    ("deployment-production-llm-design", "weak"),
    ("evaluation-hallucination-control", "wrong"),
    ("evaluation-overfitting", "weak"),
    ("fundamentals-genai-vs-traditional", "weak"),
    ("fundamentals-interview-definition", "weak"),
    ("llms-conversation-context", "wrong"),
    ("product-innovation", "wrong"),
    ("safety-ethics-safety-layers", "weak"),
    # Said in plain words: the judge and the forger, add-ons, specialists, "only what it needs".
    ("generative-models-gan-stability", "plain"),
    ("generative-models-conditional-gan", "plain"),
    ("fine-tuning-lora-popularity", "plain"),
    ("transformers-moe-scaling", "plain"),
    ("agents-safety-agentic-systems", "plain"),
    ("safety-ethics-model-card", "plain"),
    # Repeating the question's own words earns nothing.
    ("prompting-few-shot-prompting", "weak"),
    ("sampling-temperature-explained", "wrong"),
    ("evaluation-benchmarks", "wrong"),
    # A long worked answer in everyday words may miss one point ("a numeric fingerprint").
    ("rag-build-from-scratch", "plain"),
    ("generative-models-vae-how", "plain"),
    ("product-regulated", "plain"),
    # A misconception costs a point.
    ("rag-embeddings-usefulness", "wrong"),  # "embeddings are one-hot vectors"
    ("safety-ethics-one-concern", "wrong"),  # "models are already conscious"
    ("fundamentals-summarization", "wrong"),
    ("generative-models-gan-feedback", "wrong"),  # "so they cooperate"
    ("deployment-latency", "wrong"),  # "streaming actually makes latency worse"
    ("llms-open-models", "wrong"),
    # Saying a key point is not needed, in other words: "isn't an issue", "pointless",
    # "removes the need for", "washes out".
    ("fine-tuning-continual-learning", "wrong"),  # "forgetting isn't an issue"
    ("deployment-enterprise-architecture", "wrong"),  # "fallbacks are pointless"
    ("fundamentals-training-data-role", "wrong"),  # "bias also washes out at scale"
    ("rag-vs-fine-tuning", "wrong"),  # "basically the same thing"
    ("prompting-what-is-a-prompt", "wrong"),  # "a lookup table of trained responses"
    # Phrasings a vague answer says in passing are gone: "so we", "free".
    ("career-challenging-project", "weak"),
    ("llms-open-source-model", "weak"),
    # The plain answers of the same questions still pass.
    ("transformers-what-is", "plain"),
    ("fine-tuning-peft-how", "plain"),
    ("career-challenging-project", "plain"),
    ("llms-open-source-model", "plain"),
    ("fine-tuning-rlhf-basics", "plain"),
    # Vague answers that made need with a generic word ("depends on", "chatbots", "deep
    # learning", "connected"), an echo of the question ("wording"), a phrasing filed under
    # two points or under the wrong one ("compression", "high temperature"), or two points
    # that are one idea (the letters of RLHF; a big and a small model).
    ("llms-gpt-claude-gemini", "weak"),
    ("fundamentals-neural-network-def", "weak"),
    ("prompting-what-is-a-prompt", "weak"),
    ("sampling-token-by-token-temperature", "weak"),
    ("fine-tuning-rlhf-basics", "weak"),
    ("fine-tuning-knowledge-distillation", "weak"),
    # The strong and plain answers of the same questions still pass.
    ("llms-gpt-claude-gemini", "plain"),
    ("fundamentals-neural-network-def", "plain"),
    ("prompting-what-is-a-prompt", "plain"),
    ("sampling-token-by-token-temperature", "plain"),
    ("fine-tuning-rlhf-basics", "strong"),
    ("fine-tuning-knowledge-distillation", "plain"),
    ("fine-tuning-knowledge-distillation", "strong"),
]


@pytest.fixture(scope="module")
def tune_replies() -> dict[tuple[str, str], str]:
    lines = (EVAL_SET / "tune-answers.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    replies: dict[tuple[str, str], str] = {}
    for entry in entries:  # a question answered by two writers: the pins are the first's
        replies.setdefault((entry["id"], entry["kind"]), entry["reply"])
    return replies


@pytest.fixture(scope="module")
def bank_items() -> dict[str, KeypointsItem]:
    return {i.id: i for i in load_bank(BUILTIN_BANK) if isinstance(i, KeypointsItem)}


@pytest.mark.parametrize(("question", "kind"), PINNED, ids=[f"{q}:{k}" for q, k in PINNED])
def test_blind_answers_get_an_interviewers_verdict(
    question: str,
    kind: str,
    tune_replies: dict[tuple[str, str], str],
    bank_items: dict[str, KeypointsItem],
) -> None:
    result = grade(bank_items[question], tune_replies[(question, kind)])
    assert result.correct is (kind in ("strong", "plain")), result.reason


def test_a_blind_answer_hears_which_claim_was_wrong(
    tune_replies: dict[tuple[str, str], str], bank_items: dict[str, KeypointsItem]
) -> None:
    item = bank_items["fundamentals-summarization"]
    result = grade(item, tune_replies[("fundamentals-summarization", "wrong")])
    assert not result.correct
    assert "for saying 'abstractive copies'" in result.reason, result.reason
    assert result.reason.startswith("not accepted: 1 of 4 points (2 points off"), result.reason
