"""Bank files and uploads -> Items: one bank over many files, our format or a Red trivia list.

Every problem of every file is collected and raised together as one BankError; ``load_each``
instead keeps every valid file and reports the refused ones file by file. Warnings (a Red
question asked twice) are logged and returned by ``load_report``/``load_each``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bank.limits import MAX_TOPIC_CHARS, title_problem, topic_problem
from bank.located import RawItem, YamlList, YamlMap, YamlScalar
from bank.nearmiss import with_near_misses
from bank.redtrivia import RedList, red_items
from bank.schema import LEVELS, TOPIC_PATTERN, BankError, Item, Level
from bank.validation import parse_item
from bank.yamlread import (
    DEFAULT_YAML_LOADER,
    YAML_LOADERS,
    TopMap,
    YamlLoader,
    read_yaml,
    repeat_problem,
)

log = logging.getLogger(__name__)

__all__ = [
    "BANK_SUFFIXES",
    "BUILTIN_BANK",
    "DEFAULT_YAML_LOADER",
    "FILE_KEYS",
    "IMAGE_URL",
    "MAX_FILE_BYTES",
    "YAML_LOADERS",
    "BankLoad",
    "YamlLoader",
    "bank_files",
    "load_bank",
    "load_bank_text",
    "load_each",
    "load_files",
    "load_report",
    "slugify",
]

BUILTIN_BANK = Path(__file__).resolve().parent / "data"
BANK_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024
FILE_KEYS = ("topic", "title", "items")
# An item's optional picture: an https link with no spaces (Discord shows it in the embed).
IMAGE_URL = re.compile(r"https://[^\s/]+\.[^\s/]+/\S*")


@dataclass
class BankLoad:
    """What loading gave: the items of the files that loaded, and why the others did not."""

    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)  # file -> its problems
    files: int = 0

    @property
    def problems(self) -> list[str]:
        return [problem for problems in self.refused.values() for problem in problems]


# --- Public API ----------------------------------------------------------------------------------


def load_bank(path: str | Path, *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER) -> list[Item]:
    """Load a bank file, or every *.yaml/*.yml file of a folder (sorted by name).

    ``yaml_loader`` picks PyYAML's parser (one of YAML_LOADERS); the fastest by default.
    """
    return load_files(bank_files(path), yaml_loader=yaml_loader)


def load_bank_text(
    text: str,
    name: str,
    *,
    yaml_loader: YamlLoader = DEFAULT_YAML_LOADER,
    level: Level = "intermediate",
) -> list[Item]:
    """Load an uploaded file's text; ``name`` (like "mybank.yaml") labels messages and, for a
    Red trivia list, gives the topic; ``level`` is given to a Red list's questions."""
    return load_report(text, name, yaml_loader=yaml_loader, level=level).items


def load_report(
    text: str,
    name: str,
    *,
    yaml_loader: YamlLoader = DEFAULT_YAML_LOADER,
    level: Level = "intermediate",
) -> BankLoad:
    """``load_bank_text`` with its warnings; BankError on any problem."""
    bank = _BankBuilder(yaml_loader, level)
    bank.add_text(text, name)
    items = bank.finish()
    return BankLoad(items, bank.warnings, {}, 1)


def load_each(
    files: Iterable[Path],
    *,
    yaml_loader: YamlLoader = DEFAULT_YAML_LOADER,
    level: Level = "intermediate",
) -> BankLoad:
    """Load every file that is valid on its own; the others are refused with their problems.

    A file whose ids clash with an earlier valid file is refused too (ids are unique per bank).
    Never raises BankError.
    """
    result = BankLoad()
    origin_by_id: dict[str, str] = {}
    for path in files:
        result.files += 1
        bank = _BankBuilder(yaml_loader, level, near_misses=False)
        bank.add_file(path)
        result.warnings.extend(bank.warnings)
        clashes = [
            f"{item.origin}: {item.id}: duplicate id (first used at {origin_by_id[item.id]})"
            for item in bank.items
            if item.id in origin_by_id
        ]
        if bank.problems or clashes:
            result.refused[str(path)] = bank.problems + clashes
            continue
        for item in bank.items:
            origin_by_id[item.id] = item.origin
        result.items.extend(bank.items)
    result.items = with_near_misses(result.items)
    return result


def load_files(
    files: Iterable[Path], *, yaml_loader: YamlLoader = DEFAULT_YAML_LOADER
) -> list[Item]:
    """Load several bank files as one bank: ids must be unique across all of them."""
    bank = _BankBuilder(yaml_loader, "intermediate")
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
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    # A topic is listed in option lists: as long as limits allow, however long the file name.
    return slug[:MAX_TOPIC_CHARS].rstrip("-") or "custom"


# --- One bank, many files ------------------------------------------------------------------------


class _BankBuilder:
    """Accumulates items and problems over files; duplicate ids are checked across files."""

    def __init__(self, yaml_loader: YamlLoader, level: Level, *, near_misses: bool = True) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        self.yaml_loader = yaml_loader
        self.level = level
        self.near_misses = near_misses
        self.items: list[Item] = []
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.origin_by_id: dict[str, str] = {}

    def finish(self) -> list[Item]:
        for warning in self.warnings:
            log.warning("%s", warning)
        if self.problems:
            raise BankError("\n".join(self.problems), self.problems)
        # The other answers of each topic, as near misses: computed once here, at load.
        return with_near_misses(self.items) if self.near_misses else self.items

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
        about = RedList()
        if isinstance(root, YamlMap) and not _looks_like_our_format(root):
            topic = slugify(topic_hint if topic_hint is not None else Path(name).stem)
            raw_items, about = red_items(root, topic, name, self.problems, self.warnings)
            red = True
        else:
            if isinstance(root, TopMap):  # in our format a repeated key is a mistake
                for key, first, again in root.repeats:
                    self.problems.append(f"{name}:{again}: {repeat_problem(key, first)}")
            raw_items, topic = _our_items(root, name, self.problems)
            red = False
        for raw, line in raw_items:
            self.add_item(raw, line, topic, name, about if red else None)

    def add_item(
        self, raw: object, line: int, topic: str, file: str, red: RedList | None = None
    ) -> None:
        if not isinstance(raw, YamlMap):
            self.problems.append(f"{file}:{line}: an item must be a mapping (id: ..., kind: ...)")
            return
        image = self.take_image(raw, file, red=red is not None)
        try:
            item: Item | None = parse_item(raw, topic, file=file)
        except BankError as exc:
            self.problems.extend(exc.problems)
            item = None
        # Checked on the raw id so that a repeat is reported even when either item has other
        # problems: fixing those must not reveal a new error on the next run.
        if self.is_duplicate(raw.get("id"), f"{file}:{raw.line}") or item is None:
            return
        if red is not None:
            item = dataclasses.replace(
                item, level=self.level, author=red.author, settings=red.config, image=image
            )
        elif image is not None:
            item = dataclasses.replace(item, image=image)
        self.items.append(item)

    def take_image(self, raw: YamlMap, file: str, *, red: bool) -> str | None:
        """The item's ``image`` (checked here, then taken out of what parse_item sees).

        A Red list's picture was found in its prompt, where Red authors also use http links;
        in our format the field must be an https link.
        """
        if "image" not in raw:
            return None
        value = raw.pop("image")
        line = raw.key_lines.pop("image", raw.line)
        if isinstance(value, str) and (red or IMAGE_URL.fullmatch(value.strip())):
            return value.strip()
        label = raw.get("id") if isinstance(raw.get("id"), str) else "item"
        shown = value.raw if isinstance(value, YamlScalar) else value
        self.problems.append(
            f"{file}:{line}: {label}: image: must be an https:// link to a picture, got {shown!r}"
        )
        return None

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


def _our_items(root: object, file: str, problems: list[str]) -> tuple[list[RawItem], str]:
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
    too_long = topic_problem(topic.strip())
    if too_long:  # said once here, so its items are checked under the placeholder
        problems.append(f"{file}:{line}: {too_long}")
        return placeholder
    return topic.strip()


def _check_title(root: YamlMap, file: str, problems: list[str]) -> None:
    if "title" not in root:
        return
    title = root["title"]
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{file}:{root.key_lines['title']}: title must be non-empty text")
    elif title_problem(title.strip()):
        problems.append(f"{file}:{root.key_lines['title']}: {title_problem(title.strip())}")
