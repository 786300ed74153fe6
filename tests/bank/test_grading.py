"""The grader, table-driven: forgiving of typos, strict about meaning.

Every rule of the grading issue has rows here. Two categories are counted by a test of their
own: ``variant`` (a spelling of the right answer that must pass) and ``near-miss`` (a
different GenAI concept that looks like the answer and must fail).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from bank.confusables import load_confusables
from bank.grading import Grade, grade
from bank.schema import Item, KeypointsItem, McqItem, ShortItem, TrueFalseItem


def short(*answers: str, reject: tuple[str, ...] = (), prompt: str = "Name it.") -> ShortItem:
    slug = "".join(char for char in answers[0].lower() if char.isalnum())[:40]
    return ShortItem(
        id=f"s-{slug or 'x'}",
        topic="test",
        level="beginner",
        prompt=prompt,
        explanation="Because.",
        answers=answers,
        reject=reject,
    )


def mcq(choices: tuple[str, ...], answer: str, prompt: str = "Which one?") -> McqItem:
    return McqItem(
        id="m-test",
        topic="test",
        level="beginner",
        prompt=prompt,
        explanation="Because.",
        choices=choices,
        answer=answer,
    )


def truefalse(answer: bool) -> TrueFalseItem:
    return TrueFalseItem(
        id=f"tf-{answer}".lower(),
        topic="test",
        level="beginner",
        prompt="The forward diffusion process adds noise.",
        explanation="Because.",
        answer=answer,
    )


def keypoints(points: tuple[tuple[str, ...], ...], need: int) -> KeypointsItem:
    return KeypointsItem(
        id="k-test",
        topic="test",
        level="advanced",
        prompt="Explain.",
        explanation="Because.",
        points=points,
        need=need,
    )


NUCLEUS = short("nucleus sampling", "top-p sampling", "top-p", reject=("top-k",))
LORA = short("LoRA", prompt="Which adapter trains two low-rank matrices per layer?")
QLORA = short("QLoRA")
MODE_COLLAPSE = short("mode collapse")
MODEL_COLLAPSE = short("model collapse")
GAN = short("GAN", prompt="Which model family pits a generator against a discriminator?")
VAE = short("VAE")
RETRIEVAL = short("retrieval", reject=("reinforcement",), prompt="In RAG, what does R stand for?")
RAG_EXPANDED = short("retrieval-augmented generation", prompt="What does RAG stand for?")
RAG = short("RAG", prompt="Which pattern fetches documents before generating?")
RLHF = short("RLHF")
BERT = short("BERT")
ENCODER = short("encoder", prompt="In a VAE, which half maps data to a latent vector?")
DECODER_ONLY = short("decoder-only")
OVERFITTING = short("overfitting")
ZERO_SHOT = short("zero-shot")
PRECISION = short("precision")
PRETRAINING = short("pre-training")
FINE_TUNING = short("fine-tuning")
GENERATOR = short("generator")
BEAM = short("beam search")
GPT3 = short("GPT-3")
GPT35 = short("GPT-3.5")
EMBEDDING = short("embeddings")
TRANSFORMER = short("transformer")
SELF_ATTENTION = short("self-attention")
TEMPERATURE = short("temperature")
HALLUCINATION = short("hallucination")
TOKENIZATION = short("tokenization", "tokenisation")
KV_CACHE = short("KV cache")
PARIS = short("Paris")
PERPLEXITY = short("perplexity")
COT = short("chain-of-thought", "CoT")
SELF_SUPERVISED = short("self-supervised learning")
DPO = short("DPO", "direct preference optimization")
ADAMW = short("AdamW")
LAYERNORM = short("layer normalization", "LayerNorm")
BM25 = short("BM25")
QUANTIZATION = short("quantization")
DIFFUSION = short("diffusion model")
RERANKING = short("reranking")
CROSS_ENTROPY = short("cross-entropy loss")
ONE = short("A")  # an answer that is also an article

SAMPLING_MCQ = mcq(
    ("Top-k sampling", "Nucleus (top-p) sampling", "Beam search", "Greedy decoding"), "B"
)
HEADS_MCQ = mcq(("8", "12", "16", "32"), "C", prompt="How many heads does BERT-base have?")
ARCH_MCQ = mcq(("Encoder-only", "Decoder-only", "Encoder-decoder"), "B")
TRUE = truefalse(True)
FALSE = truefalse(False)
DIFFUSION_POINTS = keypoints(
    (
        ("adds noise", "add noise", "noising"),
        ("learns to denoise", "reverse process", "remove noise"),
    ),
    need=2,
)
RAG_POINTS = keypoints(
    (
        ("retrieves documents", "retrieval", "vector search"),
        ("added to the prompt", "augmented prompt", "context"),
        ("reduces hallucination", "grounded answers"),
    ),
    need=2,
)


class Case(NamedTuple):
    category: str
    item: Item
    reply: str
    correct: bool


def cases(category: str, item: Item, correct: bool, *replies: str) -> list[Case]:
    return [Case(category, item, reply, correct) for reply in replies]


CASES: list[Case] = [
    # --- normalisation: punctuation, case, markup, Unicode, filler ------------------------
    *cases(
        "normalise",
        NUCLEUS,
        True,
        "nucleus sampling",
        "Top-P.",
        "top p",
        "TOP-P!",
        "top‑p",
        "Ｔｏｐ－ｐ",
        "**top-p**",
        "__top-p__",
        "~~top-p~~",
        "||nucleus sampling||",
        "`top-p`",
        "```\ntop-p\n```",
        "```text\nnucleus sampling\n```",
        "> top-p",
        "<@123456789> top-p",
        "top-p <:pepe:123456>",
        "top-p https://arxiv.org/abs/1904.09751",
        "nucléus sampling",
        "it’s top-p",
        "the answer is top-p",
        "I think it's nucleus sampling",
        "Answer: top-p",
        "hmm, top-p",
        "maybe top-p?",
        "top-p sampling",
        "top_p",
    ),
    *cases("normalise", PARIS, True, "paris!", "PARIS", "Paris.", "the answer is Paris"),
    *cases("normalise", ONE, True, "a", "A", "(a)"),
    # --- variant spellings that must pass: typos, plurals, spacing, aliases --------------
    *cases(
        "variant",
        NUCLEUS,
        True,
        "nucleus samplng",
        "nucelus sampling",
        "nucleus smapling",
        "nucleus-sampling",
        "nucleussampling",
        "top-p samplng",
    ),
    *cases("variant", LORA, True, "loras", "LoRAs", "low-rank adaptation", "low rank adaption"),
    *cases("variant", GAN, True, "gans", "GANs", "generative adversarial networks"),
    *cases("variant", VAE, True, "VAEs", "variational autoencoder", "variational auto-encoder"),
    *cases("variant", RETRIEVAL, True, "retreival", "retrival", "Retrieval!"),
    *cases("variant", EMBEDDING, True, "embedding", "embedings", "Embeddings"),
    *cases("variant", TRANSFORMER, True, "transformers", "transfromer", "tranformer"),
    *cases("variant", TEMPERATURE, True, "temprature", "temperture", "temperatures"),
    *cases("variant", HALLUCINATION, True, "hallucinations", "halucination", "hallucinaton"),
    *cases("variant", TOKENIZATION, True, "tokenisation", "tokenizaton", "Tokenization."),
    *cases("variant", PERPLEXITY, True, "perplexty", "perplexity!", "perplexities"),
    *cases("variant", GENERATOR, True, "generators", "genertor", "gneerator"),
    *cases("variant", OVERFITTING, True, "overfiting", "over-fitting", "overfit"),
    *cases(
        "variant", FINE_TUNING, True, "fine tuning", "finetuning", "fine-tunning", "finetunning"
    ),
    *cases("variant", PRETRAINING, True, "pretraining", "pre training", "Pre-Training"),
    *cases("variant", SELF_ATTENTION, True, "self attention", "selfattention", "self-atention"),
    *cases("variant", BEAM, True, "beam-search", "beamsearch", "beam serach", "beam searches"),
    *cases("variant", KV_CACHE, True, "kv-cache", "KV caches", "kv cache"),
    *cases("variant", COT, True, "chain of thought", "chain-of-thougth", "CoT", "cot prompting"),
    *cases("variant", DECODER_ONLY, True, "decoder only", "Decoder-Only", "decoderonly"),
    *cases("variant", ZERO_SHOT, True, "zero shot", "zeroshot", "Zero-Shot"),
    *cases("variant", PRECISION, True, "precison", "precsion"),
    *cases("variant", DPO, True, "direct preference optimisation", "dpo"),
    *cases("variant", LAYERNORM, True, "layernorm", "layer norm", "layer normalisation"),
    *cases("variant", QUANTIZATION, True, "quantisation", "quantizaton"),
    *cases("variant", DIFFUSION, True, "diffusion models", "difusion model"),
    *cases("variant", RERANKING, True, "re-ranking", "re ranking"),
    *cases("variant", CROSS_ENTROPY, True, "cross entropy loss", "crossentropy loss"),
    *cases(
        "variant", SELF_SUPERVISED, True, "self supervised learning", "self-supervized learning"
    ),
    *cases("variant", GPT3, True, "gpt3", "GPT 3", "gpt-3"),
    *cases("variant", GPT35, True, "gpt-3.5", "GPT 3.5", "gpt3.5"),
    # --- near misses that must fail: a different concept that looks like the answer ------
    *cases("near-miss", NUCLEUS, False, "top-k", "top k", "Top-K sampling", "top-kk"),
    *cases("near-miss", LORA, False, "qlora", "QLoRA", "quantized LoRA", "DoRA", "lra"),
    *cases("near-miss", QLORA, False, "lora", "LoRA", "low-rank adaptation"),
    *cases("near-miss", MODE_COLLAPSE, False, "model collapse", "models collapse", "collapse"),
    *cases("near-miss", MODEL_COLLAPSE, False, "mode collapse", "modes collapse"),
    *cases("near-miss", GAN, False, "VAE", "gam", "can", "GANs? no, VAEs"),
    *cases("near-miss", VAE, False, "GAN", "VQ-VAE", "autoencoder"),
    *cases(
        "near-miss", RETRIEVAL, False, "reinforcement", "reinforcment", "Reinforcement learning"
    ),
    *cases("near-miss", RLHF, False, "RLAIF", "RLHF? no, RLAIF"),
    *cases("near-miss", BERT, False, "BART", "RoBERTa", "bret"),
    *cases("near-miss", ENCODER, False, "decoder", "decoders", "ecoder", "encoder-decoder"),
    *cases("near-miss", DECODER_ONLY, False, "encoder-only", "encoder-decoder", "decoder"),
    *cases("near-miss", OVERFITTING, False, "underfitting", "underfit"),
    *cases("near-miss", ZERO_SHOT, False, "few-shot", "one-shot", "few shot"),
    *cases("near-miss", PRECISION, False, "recall"),
    *cases("near-miss", PRETRAINING, False, "post-training", "fine-tuning", "posttraining"),
    *cases("near-miss", FINE_TUNING, False, "pre-training", "pretraining"),
    *cases("near-miss", GENERATOR, False, "discriminator"),
    *cases("near-miss", BEAM, False, "greedy", "greedy decoding", "greedy search"),
    *cases("near-miss", GPT3, False, "GPT-4", "gpt4", "GPT-3.5", "GPT-2", "GPT-30"),
    *cases("near-miss", GPT35, False, "GPT-3", "gpt-35", "GPT-4"),
    *cases("near-miss", SELF_ATTENTION, False, "cross-attention", "attention"),
    *cases("near-miss", DPO, False, "PPO", "GRPO"),
    *cases("near-miss", ADAMW, False, "Adam"),
    *cases("near-miss", LAYERNORM, False, "batch normalization", "batchnorm", "RMSNorm"),
    *cases("near-miss", BM25, False, "dense retrieval", "BM20"),
    *cases("near-miss", COT, False, "tree of thoughts", "ToT"),
    *cases("near-miss", SELF_SUPERVISED, False, "supervised learning", "unsupervised learning"),
    *cases("near-miss", RAG_EXPANDED, False, "RAG", "rag"),
    *cases("near-miss", RAG, False, "fragment", "ragged", "drag"),
    *cases("near-miss", QUANTIZATION, False, "distillation"),
    *cases("near-miss", TOKENIZATION, False, "token", "tokenizer"),
    # --- containment as whole words ------------------------------------------------------
    *cases(
        "contains",
        NUCLEUS,
        True,
        "the nucleus sampling method",
        "nucleus sampling because it adapts to the distribution",
        "I'd use top-p here",
    ),
    *cases("contains", RAG, True, "RAG, because it fetches documents first"),
    *cases("contains", LORA, True, "we used lora on every attention layer"),
    *cases("contains", LORA, False, "we used qlora on every attention layer"),
    # --- hedges: the answer together with a wrong alternative -----------------------------
    *cases(
        "hedge",
        NUCLEUS,
        False,
        "top-k or top-p",
        "top-p or top-k",
        "top-k/top-p",
        "top-k and top-p",
        "top-p or temperature",
        "either beam search or nucleus sampling",
    ),
    *cases("hedge", PARIS, False, "is it london or paris", "paris or london"),
    *cases("hedge", LORA, False, "lora or qlora", "QLoRA, LoRA"),
    *cases("hedge", GAN, False, "GAN or VAE"),
    *cases("hedge", ENCODER, False, "encoder or decoder", "either encoder or decoder"),
    *cases(
        "not a hedge",
        NUCLEUS,
        True,
        "top-p (or nucleus sampling)",
        "nucleus sampling or something like that",
        "top-p, not top-k",
        "top-p rather than top-k",
        "top-p, unlike top-k",
        "top-p instead of top-k",
    ),
    *cases("not a hedge", LORA, True, "lora, not qlora", "LoRA (low-rank adaptation)"),
    # --- negation --------------------------------------------------------------------------
    *cases(
        "negation",
        LORA,
        False,
        "not LoRA",
        "it's not lora",
        "definitely not LoRA",
        "isn't lora",
        "without lora",
        "no lora",
    ),
    *cases("negation", NUCLEUS, False, "not top-p", "not nucleus sampling"),
    *cases("not negated", LORA, True, "no, it's LoRA", "isn't it LoRA?", "not sure, LoRA"),
    # --- multiple choice -------------------------------------------------------------------
    *cases(
        "mcq",
        SAMPLING_MCQ,
        True,
        "b",
        "B",
        "B)",
        "(b)",
        "b.",
        "[B]",
        "option B",
        "Option b",
        "answer: b",
        "the answer is B",
        "I think it's B",
        "**B**",
        "||b||",
        "2",
        "#2",
        "option 2",
        "the second one",
        "B) Nucleus (top-p) sampling",
        "b - nucleus sampling",
        "B because it adapts the cut-off",
        "nucleus sampling",
        "Nucleus (top-p) sampling",
        "top-p",
        "nucelus sampling",
    ),
    *cases(
        "mcq",
        SAMPLING_MCQ,
        False,
        "a",
        "c",
        "d",
        "1",
        "3",
        "b or c",
        "b, c",
        "a and b",
        "b/c",
        "top-k sampling",
        "beam search",
        "b) top-k sampling",
        "greedy",
        "e",
        "5",
        "sampling",
        "",
    ),
    *cases("mcq", HEADS_MCQ, True, "16", "c", "C) 16"),
    *cases("mcq", HEADS_MCQ, False, "12", "3", "8"),
    *cases("mcq", ARCH_MCQ, True, "decoder-only", "decoder only", "b"),
    *cases("mcq", ARCH_MCQ, False, "encoder-decoder", "encoder only", "a or b"),
    # --- true / false ------------------------------------------------------------------------
    *cases(
        "truefalse",
        TRUE,
        True,
        "true",
        "True",
        "TRUE!",
        "t",
        "y",
        "yes",
        "yes, it is",
        "yep",
        "yeah",
        "correct",
        "right",
        "that's right",
        "✅",
        "✔️",
        "👍",
        "👍🏽",
        ":white_check_mark:",
        "it's not wrong",
        "not false",
        "isn't it true?",
        "I'd say true",
        "true because the forward process adds noise",
        "**true**",
    ),
    *cases(
        "truefalse",
        TRUE,
        False,
        "false",
        "no",
        "n",
        "f",
        "nope",
        "wrong",
        "incorrect",
        "❌",
        "👎",
        "not true",
        "that's not right",
        "true or false",
        "yes and no",
        "yes. no.",
        "",
        "maybe",
        "no idea",
    ),
    *cases("truefalse", FALSE, True, "false", "no", "not true", "❌", "nope, it's wrong"),
    *cases("truefalse", FALSE, False, "true", "yes", "not false"),
    # --- keypoints (correct = enough points) ------------------------------------------------
    *cases(
        "keypoints",
        DIFFUSION_POINTS,
        True,
        "The forward process adds noise and the model learns to denoise.",
        "noise is added step by step; then the reverse process removes it",
        "It adds nosie, then learns to remove noise.",
        "noising first, then the reverse proces",
        "Adds noise. Learns to denoise.",
    ),
    *cases(
        "keypoints",
        DIFFUSION_POINTS,
        False,
        "It adds noise.",
        "it does not add noise, it learns to denoise",
        "it removes noise",
        "a GAN trains a generator against a discriminator",
        "",
    ),
    *cases(
        "keypoints",
        RAG_POINTS,
        True,
        "It retrieves documents and they are added to the prompt.",
        "Vector search finds passages used as context, which keeps answers grounded answers.",
    ),
    *cases("keypoints", RAG_POINTS, False, "It reduces hallucination.", "not retrieval"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.category}:{case.reply[:40]!r}")
def test_grade(case: Case) -> None:
    result = grade(case.item, case.reply)
    assert result.correct is case.correct, result.reason
    assert 0.0 <= result.score <= 1.0
    assert result.reason


def test_table_spans_every_rule() -> None:
    counts = {category: 0 for category in {case.category for case in CASES}}
    for case in CASES:
        counts[case.category] += 1
    assert len(CASES) >= 250
    assert counts["near-miss"] >= 60
    assert counts["variant"] >= 60
    for kind in ("mcq", "truefalse", "keypoints", "hedge", "negation", "normalise"):
        assert counts[kind] > 0


# --- scores, what matched, and the reasons members read ------------------------------------


def test_keypoint_scores_are_the_share_of_points_found() -> None:
    half = grade(DIFFUSION_POINTS, "It adds noise to the image.")
    assert half.score == 0.5
    assert half.matched == ("adds noise",)
    assert half.missing == ("learns to denoise",)
    assert half.reason == "not accepted: 1 of 2 points, missing 'learns to denoise'"
    full = grade(DIFFUSION_POINTS, "It adds noise and learns to denoise.")
    assert (full.correct, full.score, full.reason) == (True, 1.0, "accepted: all 2 points")


def test_keypoints_need_sets_the_bar() -> None:
    result = grade(RAG_POINTS, "It retrieves documents and adds them as context.")
    assert result.correct and result.score == pytest.approx(2 / 3)
    assert result.reason == "accepted: 2 of 3 points, missing 'reduces hallucination'"


def test_a_negated_point_is_named() -> None:
    result = grade(DIFFUSION_POINTS, "It does not add noise; it learns to denoise.")
    assert result.score == 0.5
    assert "'adds noise' was negated" in result.reason


@pytest.mark.parametrize(
    ("item", "reply", "reason"),
    [
        (NUCLEUS, "nucleus sampling", "accepted: matches 'nucleus sampling'"),
        (NUCLEUS, "nucleus samplng", "accepted: close spelling of 'nucleus sampling'"),
        (RETRIEVAL, "retrieval", "accepted: matches 'retrieval'"),
        (NUCLEUS, "top-k", "not accepted: 'top-k' is a near miss for 'nucleus sampling'"),
        (
            short("top-p"),
            "top-k",
            "not accepted: 'top-k' is a different technique from 'top-p'",
        ),
        (
            NUCLEUS,
            "top-k or top-p",
            "not accepted: names two different answers ('top-k' or 'top-p')",
        ),
        (
            PARIS,
            "is it london or paris",
            "not accepted: names two different answers ('Paris' or 'london')",
        ),
        (LORA, "not LoRA", "not accepted: says it is not 'LoRA'"),
        (LORA, "low-rank adaptation", "accepted: 'low-rank adaptation' is another name for 'LoRA'"),
        (
            RETRIEVAL,
            "reinforcment",
            "not accepted: closer to 'reinforcement', a near miss for 'retrieval'",
        ),
        (LORA, "", "not accepted: empty reply"),
        (LORA, "transformers", "not accepted: no match for 'LoRA'"),
        (SAMPLING_MCQ, "b", "accepted: B) Nucleus (top-p) sampling"),
        (SAMPLING_MCQ, "c", "not accepted: C) Beam search is not the answer"),
        (SAMPLING_MCQ, "b or c", "not accepted: names two different answers (B and C)"),
        (SAMPLING_MCQ, "greedy", "not accepted: 'greedy' fits D) Greedy decoding"),
        (TRUE, "yes", "accepted: true"),
        (TRUE, "not true", "not accepted: the statement is true"),
        (TRUE, "true or false", "not accepted: says both true and false"),
        (TRUE, "maybe", "not accepted: no true or false found"),
    ],
)
def test_reasons_are_short_and_specific(item: Item, reply: str, reason: str) -> None:
    assert grade(item, reply).reason == reason


def test_matched_names_the_accepted_phrasing() -> None:
    assert grade(NUCLEUS, "TOP-P!").matched == ("top-p",)
    assert grade(NUCLEUS, "top-k").matched == ()


def test_correct_grades_score_one_and_wrong_ones_zero() -> None:
    assert grade(LORA, "lora").score == 1.0
    assert grade(LORA, "qlora").score == 0.0


# --- never raises ----------------------------------------------------------------------------

ALL_ITEMS: list[Item] = [NUCLEUS, LORA, ONE, SAMPLING_MCQ, HEADS_MCQ, TRUE, DIFFUSION_POINTS]
AWKWARD = [
    "",
    " ",
    "\n\t\r",
    "\x00\x01\x02\x1b[31m",
    "x" * 100_000,
    "top-p " * 20_000,
    "שלום עולם مرحبا",  # right-to-left scripts
    "\u202enucleus sampling\u202c",  # right-to-left override
    "t̷̡̛̖o̸͕͝p̴̢̛-̸̙͝p̵̞̈",  # zalgo
    "\ud800",  # a lone surrogate
    "```",
    "<@",
    "||||",
    "🧠🤖" * 500,
    "ﷺ" * 4000,  # one character that expands to 18 under NFKC
]


@pytest.mark.parametrize("item", ALL_ITEMS, ids=lambda item: item.id)
@pytest.mark.parametrize("reply", AWKWARD, ids=range(len(AWKWARD)))
def test_never_raises_on_awkward_text(item: Item, reply: str) -> None:
    result = grade(item, reply)
    assert isinstance(result, Grade)
    assert 0.0 <= result.score <= 1.0


def test_long_replies_are_graded_on_their_start() -> None:
    assert grade(NUCLEUS, "top-p " + "x" * 100_000).correct
    assert not grade(NUCLEUS, "x " * 2_500 + "top-p").correct


def test_an_extra_confusables_table_is_used(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("- what: vector store\n  terms: [FAISS, FAISSX]\n", encoding="utf-8")
    item = short("FAISS")
    # One letter off a five-letter answer is a typo, unless a table says it is another thing.
    assert grade(item, "FAISSX").correct
    result = grade(item, "FAISSX", confusables=load_confusables(extra))
    assert not result.correct
    assert result.reason == "not accepted: 'FAISSX' is a different vector store from 'FAISS'"
