"""Keyword salad: a bare list of rubric terms is no answer to "explain", "how" or "why".

A question asks for an explanation unless it only asks to name or list things ("Name three
generative AI applications"): a prompt that says explain, describe, compare, contrast, how,
why, "say what" and the like asks for sentences even when it also says "name", and so does
one that asks for caveats, concerns, pitfalls, drawbacks or limitations (each is a reason).

To such a question, a reply is a list of terms, not an explanation, when outside the rubric
terms it names it has no function word (pronoun, auxiliary, preposition, conjunction other
than "and"/"or": what makes a sentence of terms), at most two other words, and not two
sentences: "autonomy plan tool goal" and "adds noise, learns to denoise" are lists;
"Adds noise. Learns to denoise." and "the forward process adds noise and the model learns to
denoise" are sentences. Articles are dropped before grading, so they cannot count.
"""

from __future__ import annotations

import re

from bank.normalize import Text, stem

_LIST_ASK = re.compile(r"\b(name|list|enumerate)\b|\bgive (some|several|a few|\w+ examples)\b")
_EXPLAIN_ASK = re.compile(
    r"\b(explain|describe|compare|contrast|how|why|walk me through|discuss|differ\w*"
    r"|trade.?offs?|say what|say why|say how|what (does|do|is|are|makes|happens|sets)"
    # A caveat or a concern is a reason, said in a sentence: "name the open LLM families
    # and any caveats about calling them open source" is not answered by "llama open weights".
    r"|caveats?|concerns?|pitfalls?|drawbacks?|limitations?)\b"
)

# The words a sentence is made of beyond its terms. Articles are dropped before grading, so
# they cannot count; "and"/"or" and commas join a list as well as a sentence, so they do not.
_FUNCTION_TEXT = (
    "is are was were be been being am isnt arent wasnt "
    "it its this that these those they them their we our you your i he she his her "
    "which who whom whose what when where why how whether "
    "because so since if then than though while whereas unless until once "
    "to of in on for with by from into onto over under through about as at per via "
    "between among across after before during against within without "
    "can could will would should may might must do does did doesnt dont didnt "
    "has have had not no also very more less most each every all any some such only "
    "there here instead rather both either neither "
)
FUNCTION_WORDS = frozenset(stem(word) for word in _FUNCTION_TEXT.split())
MAX_OTHER_WORDS = 2  # words outside the terms that a list may still carry ("tool use")
# Words that join the items of a list as well as a sentence.
_GLUE = frozenset(stem(word) for word in ("and", "or", "also", "plus", "etc", "eg", "ie"))
SALAD_SHARE = 0.25  # the most a list of terms scores on a question that asks to explain
SALAD_REASON = "answer in sentences: explain how they relate"


def asks_for_explanation(prompt: str) -> bool:
    """Whether the question wants sentences (explain, how, why, ...) rather than a list."""
    text = prompt.lower()
    if _EXPLAIN_ASK.search(text):
        return True
    return not _LIST_ASK.search(text)


def is_salad(text: Text, covered: set[int]) -> bool:
    """Whether the reply, outside the ``covered`` positions of rubric terms, has no sentence."""
    if not covered:
        return False
    # Clause starts are distinct, so this counts those that are not soft (a comma's).
    if len(text.starts) - len(text.soft.intersection(text.starts)) >= 2:
        return False  # two sentences: "Adds noise. Learns to denoise."
    others = 0
    for index, token in enumerate(text.tokens):
        if index in covered or token in _GLUE:
            continue
        if token in FUNCTION_WORDS:
            return False
        others += 1
        if others > MAX_OTHER_WORDS:
            return False
    return True
