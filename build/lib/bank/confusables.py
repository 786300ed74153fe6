"""The table of confusable GenAI terms (``bank/confusables.yaml``) and what it means for one item.

The file's header documents the format. ``builtin_confusables()`` loads the shipped table once;
``load_confusables(path)`` adds a table of your own to it (or replaces it with ``base=None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bank.normalize import phrase_tokens
from bank.schema import BankError

BUILTIN_CONFUSABLES = Path(__file__).with_name("confusables.yaml")
DEFAULT_WHAT = "concept"


@dataclass(frozen=True, slots=True)
class Concept:
    """One term and its synonyms; ``names[0]`` is the name shown to members."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """Terms that are easy to mix up; ``what`` names their kind in reasons ("technique")."""

    what: str
    concepts: tuple[Concept, ...]


@dataclass(frozen=True, slots=True)
class Rival:
    """A term that must not pass for an accepted answer of an item."""

    name: str
    what: str
    answer: str  # the accepted answer (or the term inside it) that it is confused with


@dataclass(frozen=True, slots=True)
class Synonym:
    """Another name of an accepted answer, accepted as well."""

    name: str
    answer: str


@dataclass(frozen=True, slots=True)
class Related:
    rivals: tuple[Rival, ...] = ()
    synonyms: tuple[Synonym, ...] = ()


def _joined(name: str) -> str:
    return " " + " ".join(phrase_tokens(name)) + " "


class ConfusableTable:
    """Groups of confusable terms. Hashed by identity, so it can key the grader's caches."""

    __slots__ = ("_prepared", "groups")

    def __init__(self, groups: Iterable[Group]) -> None:
        self.groups: tuple[Group, ...] = tuple(groups)
        # Per group, per concept: (name, normalised " name ") pairs, computed once per table.
        self._prepared = tuple(
            (group, tuple(tuple((name, _joined(name)) for name in c.names) for c in group.concepts))
            for group in self.groups
        )

    def __len__(self) -> int:
        return len(self.groups)

    def __repr__(self) -> str:
        return f"ConfusableTable({len(self.groups)} groups)"

    def extended(self, other: ConfusableTable) -> ConfusableTable:
        """This table's groups followed by another's."""
        return ConfusableTable(self.groups + other.groups)

    def related(self, answers: Sequence[str], prompt: str = "") -> Related:
        """The rivals and synonyms of an item's accepted answers.

        A group applies when one of its terms is an accepted answer or appears inside one as
        whole words ("top-p" inside "top-p sampling"). Its other terms become rivals, except
        terms that also appear in an accepted answer (an answer "top-k and top-p" has no rival
        in that group). Synonyms of a term equal to an answer are accepted, except when they
        appear in the prompt: "What does RAG stand for?" must not accept "RAG".
        """
        answer_forms = [(answer, _joined(answer)) for answer in answers]
        prompt_form = _joined(prompt) if prompt else ""
        rivals: list[Rival] = []
        synonyms: list[Synonym] = []
        for group, concepts in self._prepared:
            present: dict[int, str] = {}  # concept index -> the answer it appears in
            for number, names in enumerate(concepts):
                for name, form in names:
                    shown = _appearance(name, form, answer_forms)
                    if shown is not None:
                        present[number] = shown
                        break
            if not present:
                continue
            anchor = next(iter(present.values()))
            for number, names in enumerate(concepts):
                if number not in present:
                    rivals.extend(Rival(name, group.what, anchor) for name, _ in names)
                    continue
                for answer, answer_form in answer_forms:
                    if any(form == answer_form for _, form in names):
                        synonyms.extend(
                            Synonym(name, answer)
                            for name, form in names
                            if form != answer_form and form.strip() and form not in prompt_form
                        )
        return Related(tuple(rivals), tuple(synonyms))


def _appearance(name: str, form: str, answer_forms: list[tuple[str, str]]) -> str | None:
    """How to name the answer a term appears in: the answer itself, or the term inside it."""
    if not form.strip():
        return None
    for answer, answer_form in answer_forms:
        if form == answer_form:
            return answer
        if form in answer_form:
            return name
    return None


def parse_confusables(data: object, source: str = "<confusables>") -> ConfusableTable:
    """Validate a loaded YAML document into a table; BankError names the bad group."""
    if not isinstance(data, list):
        raise BankError(f"{source}: expected a list of groups")
    groups = [
        _parse_group(entry, f"{source}: group {number}") for number, entry in enumerate(data, 1)
    ]
    return ConfusableTable(groups)


def _parse_group(entry: object, where: str) -> Group:
    if not isinstance(entry, dict):
        raise BankError(f"{where}: expected a mapping with 'terms'")
    unknown = set(entry) - {"what", "terms"}
    if unknown:
        raise BankError(f"{where}: unknown keys {sorted(map(str, unknown))}")
    what = entry.get("what", DEFAULT_WHAT)
    if not isinstance(what, str) or not what.strip():
        raise BankError(f"{where}: 'what' must be a non-empty string")
    terms = entry.get("terms")
    if not isinstance(terms, list) or len(terms) < 2:
        raise BankError(f"{where}: 'terms' must list at least two terms")
    concepts = []
    for term in terms:
        names = [term] if isinstance(term, str | int | float) else term
        if not isinstance(names, list) or not names:
            raise BankError(f"{where}: a term must be a string or a list of synonyms")
        if not all(isinstance(name, str | int | float) for name in names):
            raise BankError(f"{where}: synonyms must be strings")
        concepts.append(Concept(tuple(str(name) for name in names)))
    return Group(what.strip(), tuple(concepts))


def read_confusables(path: str | Path) -> ConfusableTable:
    """One table file on its own."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BankError(f"{path}: cannot read confusables: {exc}") from exc
    return parse_confusables(data, str(path))


@lru_cache(maxsize=1)
def builtin_confusables() -> ConfusableTable:
    """The shipped table, read once per process."""
    return read_confusables(BUILTIN_CONFUSABLES)


def load_confusables(
    path: str | Path, *, base: ConfusableTable | None = None, builtin: bool = True
) -> ConfusableTable:
    """A table file added to ``base`` (default: the built-in table; ``builtin=False``: none)."""
    extra = read_confusables(path)
    if base is None and builtin:
        base = builtin_confusables()
    return base.extended(extra) if base is not None else extra
