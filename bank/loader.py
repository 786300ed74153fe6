"""Bank files and uploads -> Items: one bank over many files, our format or a Red trivia list.

Every problem of every file is collected and raised together as one BankError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from bank.located import RawItem, YamlList, YamlMap, YamlScalar
from bank.redtrivia import red_items
from bank.schema import TOPIC_PATTERN, BankError, Item
from bank.validation import parse_item
from bank.yamlread import DEFAULT_YAML_LOADER, YAML_LOADERS, YamlLoader, read_yaml

__all__ = [
    "BANK_SUFFIXES",
    "BUILTIN_BANK",
    "DEFAULT_YAML_LOADER",
    "FILE_KEYS",
    "MAX_FILE_BYTES",
    "YAML_LOADERS",
    "YamlLoader",
    "bank_files",
    "load_bank",
    "load_bank_text",
    "load_files",
    "slugify",
]

BUILTIN_BANK = Path(__file__).resolve().parent / "data"
BANK_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024
FILE_KEYS = ("topic", "title", "items")


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
            raw_items = red_items(root, topic, name, self.problems)
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
    return topic.strip()


def _check_title(root: YamlMap, file: str, problems: list[str]) -> None:
    if "title" not in root:
        return
    title = root["title"]
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{file}:{root.key_lines['title']}: title must be non-empty text")
