"""YAML bank files -> Items, plus the import of Red-DiscordBot trivia lists.

Reading is safe_load-level: yaml's safe parser and resolver, nothing that can build Python
objects. Instead of composing PyYAML's node tree we read the parser's events straight into
YamlMap/YamlList/YamlScalar values. That keeps every line number, lets us refuse anchors and
aliases the moment they appear (which is what stops "billion laughs" bombs), catches duplicate
keys that safe_load silently drops, and is faster than composing a node tree (even with
libyaml's composer, which calls back into Python for every scalar).

Every problem of every file is collected and raised together as one BankError.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from bank.located import YamlList, YamlMap, YamlScalar
from bank.schema import TOPIC_PATTERN, BankError, Item
from bank.validation import parse_item

BUILTIN_BANK = Path(__file__).resolve().parent / "data"
BANK_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024
# Our format nests five collections deep (file > items > item > points > phrasings); anything
# much deeper is a mistake or an attack, and refusing it early keeps memory use bounded.
MAX_DEPTH = 16
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"

FILE_KEYS = ("topic", "title", "items")
RED_RESERVED_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema")
RED_LEVEL = "intermediate"

_RawItem = tuple[object, int]  # an item's raw value, as read from YAML, and its line

YamlLoader = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
# libyaml's parser when PyYAML was built with it; the pure-Python one otherwise (same events).
DEFAULT_YAML_LOADER: YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Every parser this PyYAML offers, the pure-Python one first: tests check they agree.
YAML_LOADERS: tuple[YamlLoader, ...] = tuple(dict.fromkeys((yaml.SafeLoader, DEFAULT_YAML_LOADER)))
_SCALARS = SafeConstructor()  # builds scalar values only; its scalar methods keep no state
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
_SCALAR_TYPE_NAMES = {
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:null": "null value",
    "tag:yaml.org,2002:timestamp": "date",
    # YAML 1.1 gives a plain "<<" and "=" special meanings; SafeLoader cannot build either.
    "tag:yaml.org,2002:merge": "merge key",
    "tag:yaml.org,2002:value": "special symbol",
}


# --- Public API ----------------------------------------------------------------------------------


def load_bank(path: str | Path, *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER) -> list[Item]:
    """Load a bank file, or every *.yaml/*.yml file of a folder (sorted by name).

    ``yaml_loader`` picks PyYAML's parser (one of YAML_LOADERS); the fastest by default.
    """
    return load_files(bank_files(path), yaml_loader=yaml_loader)


def load_bank_text(
    text: str, name: str, *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER
) -> list[Item]:
    """Load an uploaded file's text; ``name`` (like "mybank.yaml") labels messages and, for a
    Red trivia list, gives the topic."""
    bank = _BankBuilder(yaml_loader)
    bank.add_text(text, name)
    return bank.finish()


def load_files(
    files: Iterable[Path], *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER
) -> list[Item]:
    """Load several bank files as one bank: ids must be unique across all of them."""
    bank = _BankBuilder(yaml_loader)
    for file in files:
        bank.add_file(file)
    return bank.finish()


def bank_files(path: str | Path) -> list[Path]:
    """The bank files a path stands for: itself, or the YAML files of a folder, sorted."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file())
        if not files:
            raise BankError(f"{path}: no .yaml or .yml files in this folder")
        return files
    if path.is_file():
        return [path]
    raise BankError(f"{path}: no such file or folder")


def slugify(text: str) -> str:
    """A topic name from free text (a file name): "My Bank!" -> "my-bank"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "custom"


# --- One bank, many files ------------------------------------------------------------------------


class _BankBuilder:
    """Accumulates items and problems over files; duplicate ids are checked across files."""

    def __init__(self, yaml_loader: YamlLoader) -> None:
        self.yaml_loader = yaml_loader
        self.items: list[Item] = []
        self.problems: list[str] = []
        self.origin_by_id: dict[str, str] = {}

    def finish(self) -> list[Item]:
        if self.problems:
            raise BankError("\n".join(self.problems), self.problems)
        return self.items

    def add_file(self, path: Path) -> None:
        name = str(path)
        size = path.stat().st_size
        # Checked before reading: an oversized upload must not cost memory or parsing time.
        if size > MAX_FILE_BYTES:
            self.problems.append(_too_big(name, size))
            return
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problems.append(f"{name}:{line}: not UTF-8 text ({exc.reason})")
            return
        self.add_text(text, name, topic_hint=path.stem)

    def add_text(self, text: str, name: str, *, topic_hint: str | None = None) -> None:
        # A character takes at least a byte: the cheap test settles huge texts before encoding.
        size = len(text)
        try:
            if size <= MAX_FILE_BYTES:
                size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:  # lone surrogates, from a careless decode upstream
            line = text.count("\n", 0, exc.start) + 1
            self.problems.append(f"{name}:{line}: not valid Unicode text ({exc.reason})")
            return
        if size > MAX_FILE_BYTES:
            self.problems.append(_too_big(name, size))
            return
        try:
            root, problems = read_yaml(text, name, yaml_loader=self.yaml_loader)
        except BankError as exc:
            self.problems.extend(exc.problems)
            return
        self.problems.extend(problems)
        if isinstance(root, YamlMap) and not _looks_like_our_format(root):
            topic = slugify(topic_hint if topic_hint is not None else Path(name).stem)
            raw_items = _red_items(root, topic, name, self.problems)
        else:
            raw_items, topic = _our_items(root, name, self.problems)
        for raw, line in raw_items:
            self.add_item(raw, line, topic, name)

    def add_item(self, raw: object, line: int, topic: str, file: str) -> None:
        if not isinstance(raw, YamlMap):
            self.problems.append(f"{file}:{line}: an item must be a mapping (id: ..., kind: ...)")
            return
        try:
            item = parse_item(raw, topic, file=file)
        except BankError as exc:
            self.problems.extend(exc.problems)
            item = None
        # Checked on the raw id so that a repeat is reported even when either item has other
        # problems: fixing those must not reveal a new error on the next run.
        if self.is_duplicate(raw.get("id"), f"{file}:{raw.line}") or item is None:
            return
        self.items.append(item)

    def is_duplicate(self, raw_id: object, origin: str) -> bool:
        if not isinstance(raw_id, str) or not raw_id.strip():
            return False
        item_id = raw_id.strip()
        if item_id in self.origin_by_id:
            first = self.origin_by_id[item_id]
            self.problems.append(f"{origin}: {item_id}: duplicate id (first used at {first})")
            return True
        self.origin_by_id[item_id] = origin
        return False


def _too_big(name: str, size: int) -> str:
    limit_mb = MAX_FILE_BYTES / (1024 * 1024)
    return f"{name}:1: file is {size / (1024 * 1024):.1f} MB, over the {limit_mb:.0f} MB limit"


# --- Our format ----------------------------------------------------------------------------------


def _looks_like_our_format(root: YamlMap) -> bool:
    """Any of our file keys means our format (so a typo in one is reported as such); anything
    else is a Red trivia list."""
    return any(key in root for key in FILE_KEYS)


def _our_items(root: object, file: str, problems: list[str]) -> tuple[list[_RawItem], str]:
    """The raw items of a file in our format and its topic; file-level problems are appended.

    On a bad topic the items are still checked (under a placeholder topic) so that one run
    reports everything.
    """
    if not isinstance(root, YamlMap):
        line = getattr(root, "line", 1)
        what = "empty" if root is None else "not a mapping"
        problems.append(
            f"{file}:{line}: the file is {what}; a bank file is a mapping with "
            "'topic', 'title' and 'items' (or a Red trivia list)"
        )
        return [], "unknown"
    for key in root:
        if key not in FILE_KEYS:
            problems.append(
                f"{file}:{root.key_lines[key]}: unknown top-level key '{key}'; "
                f"allowed: {', '.join(FILE_KEYS)}"
            )
    topic = _file_topic(root, file, problems)
    _check_title(root, file, problems)
    items = root.get("items")
    if "items" not in root:
        problems.append(f"{file}:{root.line}: missing required key 'items' (the list of questions)")
        return [], topic
    if not isinstance(items, YamlList) or not items:
        line = root.key_lines["items"]
        problems.append(f"{file}:{line}: 'items' must be a non-empty list of items")
        return [], topic
    return list(zip(items, items.item_lines, strict=True)), topic


def _file_topic(root: YamlMap, file: str, problems: list[str]) -> str:
    placeholder = "unknown"
    if "topic" not in root:
        problems.append(f"{file}:{root.line}: missing required key 'topic' (like: topic: rag)")
        return placeholder
    topic = root["topic"]
    line = root.key_lines["topic"]
    if not isinstance(topic, str) or not TOPIC_PATTERN.fullmatch(topic.strip()):
        shown = topic.raw if isinstance(topic, YamlScalar) else topic
        problems.append(f"{file}:{line}: topic {shown!r} must be made of a-z, 0-9 and '-'")
        return placeholder
    return topic.strip()


def _check_title(root: YamlMap, file: str, problems: list[str]) -> None:
    if "title" not in root:
        return
    title = root["title"]
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{file}:{root.key_lines['title']}: title must be non-empty text")


# --- Red-DiscordBot trivia lists -----------------------------------------------------------------
# A flat mapping "question: [answers]" plus optional AUTHOR, DESCRIPTION and CONFIG keys. Each
# question becomes a short item. Red authors write answers without quoting discipline (numbers,
# yes/no), so here a non-text scalar is taken as written instead of being reported.


def _red_items(root: YamlMap, topic: str, file: str, problems: list[str]) -> list[_RawItem]:
    _check_red_metadata(root, file, problems)
    items: list[_RawItem] = []
    for question, answers in root.items():
        if question in RED_RESERVED_KEYS:
            continue
        line = root.key_lines[question]
        item = _red_item(question, answers, topic, line, file, problems)
        if item is not None:
            items.append((item, line))
    if not items and not problems:
        problems.append(
            f"{file}:{root.line}: no questions found: a quizbot bank has 'topic' and "
            "'items'; a Red trivia list maps each question to a list of answers"
        )
    return items


def _check_red_metadata(root: YamlMap, file: str, problems: list[str]) -> None:
    for key in ("AUTHOR", "DESCRIPTION"):
        if key in root and not isinstance(root[key], str | YamlScalar):
            problems.append(f"{file}:{root.key_lines[key]}: {key} must be text")
    if "CONFIG" in root and not isinstance(root["CONFIG"], YamlMap):
        problems.append(f"{file}:{root.key_lines['CONFIG']}: CONFIG must be a mapping of settings")


def _red_item(
    question: str, answers: object, topic: str, line: int, file: str, problems: list[str]
) -> YamlMap | None:
    """The raw short item for one Red question, for parse_item to check like any other."""
    if not isinstance(answers, YamlList):
        problems.append(f"{file}:{line}: the answers to {question!r} must be a list")
        return None
    texts = _red_answers(answers)
    if not texts:
        problems.append(f"{file}:{line}: {question!r} has no answers")
        return None
    item = YamlMap(line)
    fields: dict[str, object] = {
        "id": _red_id(topic, question),
        "kind": "short",
        "level": RED_LEVEL,
        "prompt": question,
        "answers": texts,
        "explanation": _clip("Accepted answers: " + ", ".join(map(str, texts)) + "."),
    }
    for key, value in fields.items():
        item[key] = value
        item.key_lines[key] = line
    return item


def _red_answers(answers: YamlList) -> YamlList:
    """Answers as text, without empties or case-insensitive repeats ("SELECT", "Select")."""
    texts = YamlList(answers.line)
    seen: set[str] = set()
    for answer, line in zip(answers, answers.item_lines, strict=True):
        # Red's own loader turns 6 or True into "6"/"True"; we keep what the author wrote.
        text = answer.raw if isinstance(answer, YamlScalar) and answer.value is not None else answer
        if not isinstance(text, str) or not text.strip() or text.strip().casefold() in seen:
            continue
        seen.add(text.strip().casefold())
        texts.append(text.strip())
        texts.item_lines.append(line)
    return texts


def _red_id(topic: str, question: str) -> str:
    # Stable across imports (re-importing a list keeps everyone's progress on its questions)
    # and distinct across lists thanks to the topic; trimmed to fit the 64-character id limit.
    digest = hashlib.sha1(question.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{topic[:55].rstrip('-')}-{digest}"


def _clip(text: str, limit: int = 1000) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- YAML events -> located values ---------------------------------------------------------------


def read_yaml(
    text: str, file: str, *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER
) -> tuple[object, list[str]]:
    """Parse one YAML document into YamlMap/YamlList/str/YamlScalar values.

    Returns the root (None for an empty file) and the non-fatal problems (duplicate keys, bad
    tags); raises BankError on syntax errors, anchors/aliases, extra documents or deep nesting.
    """
    try:
        loader = yaml_loader(text)  # the pure-Python reader already checks characters here
        try:
            return _EventReader(loader, file).read()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        if _is_nesting_limit(exc):
            raise BankError(f"{file}:{line}: {TOO_DEEP}") from exc
        reason = exc.problem or exc.context or "invalid YAML"
        raise BankError(f"{file}:{line}: YAML syntax error: {reason}") from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise BankError(f"{file}:{line}: unreadable character: {exc.reason}") from exc
    except yaml.YAMLError as exc:
        raise BankError(f"{file}:1: YAML error: {exc}") from exc


def _is_nesting_limit(exc: yaml.MarkedYAMLError) -> bool:
    """Whether the parser refused the text for its own nesting limit.

    libyaml (bundled with PyYAML's wheels) scans a line's flow collections ahead of the events,
    so "[[[[..." on one line reaches its limit before our MAX_DEPTH check sees the events. Its
    wording is the only sign of that; unrecognised, the refusal still carries its file:line.
    """
    return "nesting depth" in (exc.problem or "")


class _EventReader:
    """Builds located values from parser events with an explicit stack (no recursion)."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.problems: list[str] = []
        self.root = _RootFrame()
        self.stack: list[_Frame] = [self.root]
        self.documents = 0
        # First characters for which the resolver has implicit patterns ("" for null); a
        # resolver keyed on None would apply to every value, so then everything is "possible".
        resolvers = loader.yaml_implicit_resolvers
        self.resolvable_starts: _Starts = (
            _EVERYTHING if None in resolvers else frozenset(k for k in resolvers if k is not None)
        )

    def read(self) -> tuple[object, list[str]]:
        get_event = self.loader.get_event
        stack = self.stack
        resolvable_starts = self.resolvable_starts
        while True:
            event = get_event()
            # Exact type tests, most frequent first: this loop sees every scalar of the bank.
            if type(event) is ScalarEvent:
                # Inline fast path for the common case, text needing no resolver: only plain
                # scalars are resolved, and only those starting with a character that some
                # implicit pattern (bool, int, null...) can start with.
                if (
                    event.tag is None
                    and event.anchor is None
                    and not (
                        event.implicit
                        and event.implicit[0]
                        and event.value[:1] in resolvable_starts
                    )
                ):
                    stack[-1].add(event.value, _line(event))
                else:
                    stack[-1].add(self.scalar(event), _line(event))
            elif type(event) is MappingStartEvent or type(event) is SequenceStartEvent:
                self.start_collection(event)
            elif type(event) is MappingEndEvent or type(event) is SequenceEndEvent:
                self.end_collection()
            elif type(event) is AliasEvent:
                self.fail_on_anchor(event)
            elif type(event) is DocumentStartEvent:
                self.start_document(event)
            elif type(event) is StreamEndEvent:
                return self.root.container, self.problems

    def fail(self, event: Event, message: str) -> None:
        raise BankError(f"{self.file}:{_line(event)}: {message}")

    def fail_on_anchor(self, event: Event) -> None:
        self.fail(
            event,
            "YAML anchors and aliases (&name, *name) are not allowed in a bank file; "
            "write each value out in full",
        )

    def start_document(self, event: Event) -> None:
        self.documents += 1
        if self.documents > 1:
            self.fail(
                event,
                "a bank file holds one YAML document; remove this '---' and "
                "what follows, or put it in another file",
            )

    def start_collection(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        if event.anchor is not None:
            self.fail_on_anchor(event)
        if len(self.stack) > MAX_DEPTH:
            self.fail(event, TOO_DEEP)
        line = _line(event)
        frame: _Frame
        if type(event) is MappingStartEvent:
            frame, allowed_tags = _MapFrame(YamlMap(line), self), _MAP_TAGS
        else:
            frame, allowed_tags = _ListFrame(YamlList(line)), _SEQ_TAGS
        if event.tag not in allowed_tags:
            self.problem(line, f"the YAML tag {event.tag} is not allowed here")
        self.stack.append(frame)

    def end_collection(self) -> None:
        frame = self.stack.pop()
        if isinstance(frame, _RootFrame):  # the parser balances events: cannot happen
            raise AssertionError("YAML collection ended twice")
        self.stack[-1].add(frame.container, frame.container.line)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.file}:{line}: {message}")

    def scalar(self, event: ScalarEvent) -> object:
        if event.anchor is not None:
            self.fail_on_anchor(event)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value
        return self.typed_scalar(tag, event)

    def typed_scalar(self, tag: str, event: ScalarEvent) -> YamlScalar:
        type_name = _SCALAR_TYPE_NAMES.get(tag)
        value: object = event.value
        if type_name is None:
            self.problem(_line(event), f"the YAML tag {tag} is not allowed")
            type_name = "tagged value"
        elif tag in SafeConstructor.yaml_constructors:
            node = ScalarNode(tag, event.value, None, None, event.style)
            try:
                value = SafeConstructor.yaml_constructors[tag](_SCALARS, node)
            except (yaml.YAMLError, ValueError) as exc:
                self.problem(_line(event), f"cannot read {event.value!r} as a {type_name}: {exc}")
        # Plain style is None from the Python parser and "" from libyaml's.
        return YamlScalar(event.value, value, type_name, plain=not event.style)


class _RootFrame:
    """Receives the document's top value (None until there is one: an empty file)."""

    __slots__ = ("container",)

    def __init__(self) -> None:
        self.container: object = None

    def add(self, value: object, line: int) -> None:
        self.container = value


class _ListFrame:
    """An open sequence: each finished value becomes its next element."""

    __slots__ = ("container",)

    def __init__(self, container: YamlList) -> None:
        self.container = container

    def add(self, value: object, line: int) -> None:
        self.container.append(value)
        self.container.item_lines.append(line)


class _MapFrame:
    """An open mapping: finished values alternate between key and value."""

    __slots__ = ("container", "key", "key_line", "reader", "waiting_for_value")

    def __init__(self, container: YamlMap, reader: _EventReader) -> None:
        self.container = container
        self.reader = reader
        self.waiting_for_value = False
        self.key: str | None = None
        self.key_line = 0

    def add(self, value: object, line: int) -> None:
        if not self.waiting_for_value:
            self.waiting_for_value = True
            self.key, self.key_line = self.key_text(value, line), line
            return
        self.waiting_for_value = False
        if self.key is None:
            return  # an unusable key, already reported: its value goes with it
        if self.key in self.container:
            first = self.container.key_lines[self.key]
            self.reader.problem(
                self.key_line,
                f"duplicate key '{self.key}' (first at line {first}); "
                "YAML would silently keep only the last one",
            )
            return
        self.container[self.key] = value
        self.container.key_lines[self.key] = self.key_line

    def key_text(self, key: object, line: int) -> str | None:
        # Keys are names, whatever YAML would resolve them to: "yes:" and "1:" stay text.
        if isinstance(key, YamlScalar) and key.raw:
            return key.raw
        if isinstance(key, str) and key:
            return key
        what = "empty" if isinstance(key, str | YamlScalar) else "a list or mapping"
        self.reader.problem(line, f"a key must be text, this one is {what}")
        return None


_Frame = _RootFrame | _ListFrame | _MapFrame


class _Everything:
    """A container holding every string (for a resolver with catch-all patterns)."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()
_Starts = frozenset[str] | _Everything


def _line(event: Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1
