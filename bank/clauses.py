"""Clause splitting of ASCII text without digits: word lists, clause starts and list marks.

The input is text already mapped by bank.normalize (one character for one character: a clause
break is a new line, a comma or new line of the original a carriage return, anything else
that is no letter a space). One pass of C string methods marks the breaks and cuts out the
articles; the only Python loop left runs once per clause, not once per word.
"""

from __future__ import annotations

CLAUSE_GAPS = (" but ", " however ", " although ", " though ")  # words that turn it around
ARTICLE_GAPS = (" the ", " an ", " a ")


def marked_clauses(translated: str, drop_articles: bool) -> list[str]:
    """The text cut at its clause breaks, articles cut out; a clause that follows a comma
    or a new line starts with a carriage return."""
    # One character per character keeps translate() on its fast path; the spaces around
    # each break, which the article gaps below need, come from one replace().
    spaced = f" {translated} ".replace("\n", " \n ")
    if "\r" in spaced:  # a comma or new line: a break whose clause is marked
        spaced = spaced.replace("\r", " \n\r ")
    for gap in CLAUSE_GAPS:
        if gap in spaced:
            spaced = spaced.replace(gap, " \n ")
    if drop_articles:
        for gap in ARTICLE_GAPS:
            # A replace() that finds nothing returns its string after one scan: no test
            # with "in" first. Again for "the the": replace() does not overlap.
            cut = spaced.replace(gap, " ")
            while len(cut) < len(spaced):
                spaced, cut = cut, cut.replace(gap, " ")
    return spaced.split("\n")


def ascii_clause_words(
    translated: str, drop_articles: bool
) -> tuple[list[str], list[int], list[int]]:
    """(the words, the index where each clause starts, the starts that follow a comma).

    What the general clause-by-clause path of bank.normalize gives for such text, built
    straight into the three lists: "x.\\ny" is no list, so a comma marks its clause only
    when no sentence break came since the last words.
    """
    words: list[str] = []
    starts: list[int] = []
    soft: list[int] = []
    hard = False  # a sentence break since the last words
    for chunk in marked_clauses(translated, drop_articles):
        pieces = chunk.split()
        if pieces:
            if chunk[:1] == "\r" and words and not hard:
                soft.append(len(words))
            starts.append(len(words))
            words += pieces
            hard = False
        elif chunk[:1] != "\r":
            hard = True
    return words, starts, soft
