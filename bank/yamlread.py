"""YAML text -> located values (YamlMap/YamlList/str/YamlScalar), safely and without recursion.

Reading is safe_load-level: yaml's safe parser and resolver, nothing that can build Python
objects. Instead of composing PyYAML's node tree we read the parser's events straight into
located values. That keeps every line number, lets us refuse anchors and aliases the moment
they appear (which is what stops "billion laughs" bombs), catches duplicate keys that safe_load
silently drops, and is faster than composing a node tree (even with libyaml's composer, which
calls back into Python for every scalar).
"""

from __future__ import annotations

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
from bank.schema import BankError


class TopMap(YamlMap):
    """The document's top mapping, which also remembers its repeated and non-text keys.

    A repeated top-level key is not reported while reading: in our format it is an error, in a
    Red trivia list a repeated question keeps its last copy (as Red does), and only the loader
    knows which format the file is in.
    """

    __slots__ = ("repeats", "typed_keys")

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.repeats: list[tuple[str, int, int]] = []  # key, first line, repeated line
        self.typed_keys: dict[str, str] = {}  # key -> what YAML reads it as ("number", ...)


def repeat_problem(key: str, first: int) -> str:
    """The message for a repeated mapping key."""
    return (
        f"duplicate key '{key}' (first at line {first}); YAML would silently keep only the last one"
    )


# Our format nests five collections deep (file > items > item > points > phrasings); anything
# much deeper is a mistake or an attack, and refusing it early keeps memory use bounded.
MAX_DEPTH = 16
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"

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
            top = len(self.stack) == 1
            frame, allowed_tags = _MapFrame(TopMap(line) if top else YamlMap(line), self), _MAP_TAGS
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
        container = self.container
        if self.key in container:
            first = container.key_lines[self.key]
            if isinstance(container, TopMap):
                # Kept like YAML does (the last value, at the first key's place); the loader
                # decides whether that is an error (our format) or a warning (a Red list).
                container.repeats.append((self.key, first, self.key_line))
                container[self.key] = value
                return
            self.reader.problem(self.key_line, repeat_problem(self.key, first))
            return
        container[self.key] = value
        self.container.key_lines[self.key] = self.key_line

    def key_text(self, key: object, line: int) -> str | None:
        # Keys are names, whatever YAML would resolve them to: "yes:" and "1:" stay text.
        if isinstance(key, YamlScalar) and key.raw:
            if isinstance(self.container, TopMap):
                self.container.typed_keys[key.raw] = key.type_name
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
