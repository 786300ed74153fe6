"""The catalog of user-facing strings in bot/ and cogs/ (docs/strings.md), for reviewing words.

Run ``.venv/bin/python -m tests.strings_catalog`` to rewrite docs/strings.md; the test
tests/test_strings_catalog.py fails when the file is out of date. The walk reads the source
(``ast``), imports nothing, and keeps a string literal when what it is handed to shows it to
a person: a reply, an embed's parts, a button or form, a command's or option's description, an
error a member or operator reads, or text a helper returns for one of those. It leaves out
docstrings, log lines, developer errors, keys, ids, patterns and other single tokens that no
one reads as prose. f-strings are shown with their placeholders, ``{count}``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCOPE = ("bot", "cogs")
OUTPUT = REPO / "docs" / "strings.md"
COMMAND = ".venv/bin/python -m tests.strings_catalog"

# Calls whose string arguments nobody reads: logging, parsing, lookups, developer errors.
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
QUIET_CALLS = {
    "get", "pop", "setdefault", "startswith", "endswith", "split", "rsplit", "join", "replace",
    "strip", "lstrip", "rstrip", "partition", "rpartition", "compile", "match", "fullmatch",
    "search", "sub", "findall", "finditer", "getLogger", "strftime", "strptime", "encode",
    "decode", "open", "Path", "getattr", "hasattr", "setattr", "isinstance", "execute",
    "executemany", "fetchone", "fetchall", "fetch_one", "fetch_all", "fetch_value", "escape",
    "count", "index", "find", "removeprefix", "removesuffix", "getenv", "TypeVar", "cast",
    "new", "font", "truetype", "load_default", "text", "textbbox", "textlength", "rectangle",
    "rounded_rectangle", "line", "ellipse", "polygon", "paste", "save", "convert", "Image",
    "ImageFont", "Draw", "mkdir", "glob", "rglob", "with_suffix", "namedtuple", "field",
    "group", "lower", "upper", "casefold", "zfill", "ljust", "rjust", "center", "update",
    "remove", "discard", "add", "append", "extend", "insert", "rfind", "rindex", "ZoneInfo",
    "fromisoformat", "import_module", "load_extension", "unload_extension", "reload_extension",
    "add_job", "remove_job", "get_job", "reschedule_job", "set_defaults", "metavar",
    "get_command", "walk_commands", "fetch_channel", "get_channel", "dispatch", "wait_for",
    "Struct", "pack", "unpack", "sha256", "md5", "blake2b", "hexdigest", "digest", "environ",
    # names for the log: of a cache, of work that must finish at shutdown
    "LruCache", "shutdown_ends", "_shutdown_ends", "create_task", "spawn",
}  # fmt: skip
DEVELOPER_ERRORS = {
    "RuntimeError", "TypeError", "AssertionError", "NotImplementedError", "KeyError",
    "AttributeError", "LookupError", "IndexError", "SystemError",
}  # fmt: skip
# Keyword arguments that carry ids, styles or formats rather than words.
QUIET_KEYWORDS = {
    "custom_id", "style", "key", "url", "format", "encoding", "mode", "sep", "end", "dest",
    "metavar", "filename", "fp", "id", "name_localizations", "emoji", "type", "fill",
    "anchor", "align", "font", "color", "colour", "errors", "newline", "prog", "action",
    "default", "const", "choices_key", "timespec", "tz", "file", "path", "category",
    "what",  # what a delivery was, for the log
}  # fmt: skip
# Keyword arguments whose value is shown, with the kind the catalog files it under.
SHOWN_KEYWORDS = {
    "content": "message", "title": "title", "description": "description", "name": "name",
    "value": "value", "text": "text", "label": "label", "placeholder": "placeholder",
    "help": "cli help", "reason": "audit reason", "epilog": "cli help", "usage": "cli help",
}  # fmt: skip
# Calls whose positional string arguments are shown, and as what.
SHOWN_CALLS = {
    "send": "message", "send_message": "message", "reply": "message", "edit": "message",
    "edit_message": "message", "edit_original_response": "message", "followup": "message",
    "send_ephemeral": "message", "respond": "message", "Embed": "embed", "brand_embed": "embed",
    "add_field": "field", "insert_field_at": "field", "set_field_at": "field",
    "set_footer": "footer", "set_author": "author", "Button": "label", "button": "label",
    "TextInput": "text box", "Modal": "form", "SelectOption": "option", "Choice": "choice",
    "describe": "option description", "command": "command", "Group": "command",
    "ArgumentParser": "cli help", "add_parser": "cli help", "add_argument": "cli help",
    "print": "cli output", "exit": "cli output", "SystemExit": "cli output",
    "create_thread": "thread name", "create_text_channel": "channel name",
}  # fmt: skip
# Upper case only: "Delete every answer..." is a sentence, "DELETE FROM answers" is not.
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|PRAGMA|DROP|ALTER) ")
TOKEN = re.compile(r"^[\w./:%#@&<>=+*,?-]*$")  # no spaces: an id, key, path, URI or format
WORDS = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Found:
    path: str
    line: int
    kind: str
    text: str


def catalog(root: Path = REPO) -> list[Found]:
    found: list[Found] = []
    for package in SCOPE:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            found += strings_in(path.read_text(encoding="utf-8"), relative)
    return found


def strings_in(source: str, path: str) -> list[Found]:
    """The user-facing strings of one module's ``source``, in line order."""
    return sorted(_walk(ast.parse(source, path), path), key=lambda f: f.line)


def render(found: list[Found]) -> str:
    files = sorted({f.path for f in found})
    lines = [
        "# User-facing strings",
        "",
        "Every string literal in `bot/` and `cogs/` that a member, an admin or an operator reads",
        "(replies, embeds, buttons, forms, command and option descriptions, error texts, CLI",
        "output), with its file and line, so wording can be reviewed in one place. f-strings show",
        "their placeholders as `{...}`; `\\n` is a line break. Generated: do not edit by hand.",
        f"Regenerate with `{COMMAND}` (tests/test_strings_catalog.py fails when",
        "this file is out of date).",
        "",
        f"{len(found)} strings in {len(files)} files.",
    ]
    for file in files:
        lines += ["", f"## {file}", "", "```text"]
        for item in (f for f in found if f.path == file):
            lines.append(f"{item.line:>4}  {item.kind:<20} {item.text}")
        lines.append("```")
    return "\n".join(lines) + "\n"


def _walk(tree: ast.Module, path: str) -> Iterator[Found]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(parents.get(node), ast.JoinedStr | ast.FormattedValue):
                continue  # a piece of an f-string, shown with its whole
            if node in docstrings:
                continue
        elif not isinstance(node, ast.JoinedStr) or isinstance(
            parents.get(node), ast.FormattedValue
        ):
            continue
        kind = _kind(node, parents)
        if kind is None:
            continue
        text = _text(node)
        if not _readable(text, kind):
            continue
        yield Found(path, node.lineno, kind, text.replace("\n", "\\n"))


def _docstrings(tree: ast.Module) -> set[ast.AST]:
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(body[0].value)
    return found


def _kind(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """What the string is shown as, from what it is handed to; None when it is not shown."""
    child, parent = node, parents.get(node)
    keyword: str | None = None
    while parent is not None:
        if isinstance(parent, ast.keyword):
            keyword = parent.arg
            call = parents.get(parent)
            if isinstance(call, ast.Call) and _call_name(call.func) == "describe":
                return "option description"  # describe(name="...") names any option
            if keyword in QUIET_KEYWORDS:
                return None
        elif isinstance(parent, ast.Call):
            return _in_call(parent, child, keyword)
        elif isinstance(parent, ast.Raise):
            return None if _raised_name(parent.exc) in DEVELOPER_ERRORS else "error"
        elif isinstance(parent, ast.Assert | ast.Compare | ast.Subscript | ast.Match):
            return None
        elif isinstance(parent, ast.Dict):
            return None if child in parent.keys else "text"
        elif isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mod):
            return None if child is parent.left and _in_log(parent, parents) else "text"
        elif isinstance(parent, ast.Assign | ast.AnnAssign | ast.Return | ast.AugAssign):
            if _in_enum(parent, parents):
                return None  # an enum member's value is a key, never shown
            return _assigned(parent)
        elif isinstance(parent, ast.stmt):
            return None  # an expression statement, a default, a decorator-free literal
        child, parent = parent, parents.get(parent)
    return None


def _in_call(call: ast.Call, child: ast.AST, keyword: str | None) -> str | None:
    name = _call_name(call.func)
    if name in LOG_METHODS and _is_logger(call.func):
        return None
    if isinstance(call.func, ast.Attribute) and call.func.value is child:
        return "text" if name == "format" else None  # "x".format(...) shows; ", ".join does not
    if name in DEVELOPER_ERRORS:
        return None
    if name == "describe":
        return "option description"
    if keyword is not None:
        if keyword in SHOWN_KEYWORDS:
            if name in ("command", "Group", "add_parser") and keyword == "name":
                return None  # a command's name is a token, checked by Discord's own rules
            return SHOWN_KEYWORDS[keyword]
        return "text" if name not in QUIET_CALLS else None
    if name in QUIET_CALLS:
        return None
    if name in SHOWN_CALLS:
        return SHOWN_CALLS[name]
    if name.endswith(("Error", "Exception")):
        return "error"
    return "text"


def _assigned(statement: ast.stmt) -> str:
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    names = [t.id if isinstance(t, ast.Name) else getattr(t, "attr", "") for t in targets]
    shown = [n for n in names if n in ("title", "description", "label", "placeholder")]
    return SHOWN_KEYWORDS[shown[0]] if shown else "text"


def _in_enum(statement: ast.stmt, parents: dict[ast.AST, ast.AST]) -> bool:
    owner = parents.get(statement)
    return isinstance(owner, ast.ClassDef) and any(
        _call_name(base).endswith("Enum") for base in owner.bases
    )


def _in_log(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Call) and _is_logger(parent.func)


def _is_logger(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr in LOG_METHODS
        and isinstance(func.value, ast.Name)
        and func.value.id in ("log", "logger", "logging", "LOG")
    )


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _raised_name(exc: ast.expr | None) -> str:
    if isinstance(exc, ast.Call):
        return _call_name(exc.func)
    return _call_name(exc) if exc is not None else ""


def _text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        inner = ast.unparse(node.value)
        conversion = f"!{chr(node.conversion)}" if node.conversion != -1 else ""
        spec = f":{_text(node.format_spec)}" if node.format_spec is not None else ""
        return "{" + inner + conversion + spec + "}"
    return ast.unparse(node)


def _readable(text: str, kind: str) -> bool:
    """Prose someone reads, rather than a key, an id, a pattern or a lone format."""
    bare = re.sub(r"\{[^{}]*\}", "", text)
    if not WORDS.search(bare) or SQL.match(text) or "%(" in text:  # a log record's format
        return False
    if TOKEN.match(re.sub(r"\{[^{}]*\}", "x", text)):
        # A single word is shown only where a label or a title goes ("Accept", "Answer").
        return kind in ("label", "title", "name", "placeholder", "choice") and bool(
            re.match(r"^[A-Z]", text)
        )
    return True


def main() -> int:
    text = render(catalog())
    OUTPUT.write_text(text, encoding="utf-8")
    count = text.count("\n") - text.count("```")  # rough, for the summary line only
    print(f"wrote {OUTPUT.relative_to(REPO)} ({count} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
