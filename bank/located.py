"""Values read from a YAML file that remember their line, so problems can point at it."""

from __future__ import annotations

from dataclasses import dataclass

RawItem = tuple[object, int]  # an item's raw value, as read from YAML, and its line


class YamlMap(dict[str, object]):
    """A mapping read from YAML that remembers its own line and the line of each key (1-based).

    The loader builds these so that parse_item can point at the exact line of a bad value;
    a plain dict works too, the messages then fall back to the item's origin.
    """

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class YamlList(list[object]):
    """A sequence read from YAML that remembers its own line and the line of each element."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass(frozen=True, slots=True)
class YamlScalar:
    """A YAML scalar that resolved to something other than text: a boolean, number, null, date.

    Kept apart from text so that ``answers: [yes]`` is reported ("write it in quotes") instead of
    silently becoming True, while ``answer: true`` and ``need: 2`` still read as what they are.
    """

    raw: str  # as written in the file
    value: object  # what YAML made of it
    type_name: str  # "boolean", "number", "null", ... for messages
    plain: bool  # written without quotes, so quoting it would make it text
