"""Discord's message text for a terminal: mentions become names, ``<t:...>`` timestamps become
dates on the fake clock, and Discord's markdown (bold, code, quotes, headings) becomes rich
styles. Discord keeps every line break, so this is not CommonMark (which would join lines)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

from rich.text import Text

TOKEN = re.compile(
    r"<(?P<kind>@!?|@&|#)(?P<id>\d+)>"
    r"|<t:(?P<ts>-?\d+)(?::(?P<style>[tTdDfFR]))?>"
    r"|</(?P<command>[^:>]+):\d+>"
    r"|<a?:(?P<emoji>\w+):\d+>"
)
INLINE = re.compile(
    r"\\(?P<escaped>[\\*_~|`>#-])"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|__(?P<underline>.+?)__"
    r"|~~(?P<strike>.+?)~~"
    r"|\|\|(?P<spoiler>.+?)\|\|"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\(<?(?P<url>https?://[^)\s>]+)>?\)"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?!\w)"
    r"|(?<!\w)_(?P<italic_>[^_\s](?:[^_]*[^_\s])?)_(?!\w)"
)
# Paired markers that Discord lets run over line breaks ("||a spoiler\nof two lines||").
SPANNING = re.compile(r"(\*\*|__|~~|\|\|)(?=\S)(.+?)\1", re.DOTALL)
BLOCK_MARKER = re.compile(r"(?:#{1,3} |-# |> |[-*] )")
STYLES = {
    "bold": "bold",
    "underline": "underline",
    "strike": "strike",
    "spoiler": "reverse",
    "italic": "italic",
    "italic_": "italic",
}
CODE_STYLE = "cyan"
UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
         ("minute", 60), ("second", 1))  # fmt: skip


class Names(Protocol):
    """Names for the ids inside mentions; None when the id is unknown."""

    def user(self, user_id: int) -> str | None: ...
    def channel(self, channel_id: int) -> str | None: ...
    def role(self, role_id: int) -> str | None: ...


def plain(text: str, names: Names, now: datetime) -> str:
    """Mentions, timestamps and custom emoji replaced by what a Discord reader sees."""

    def replace(match: re.Match[str]) -> str:
        if match["id"]:
            kind, ident = match["kind"], int(match["id"])
            if kind == "#":
                return f"#{names.channel(ident) or 'unknown-channel'}"
            if kind == "@&":
                return f"@{names.role(ident) or 'unknown-role'}"
            return f"@{names.user(ident) or 'unknown-user'}"
        if match["ts"]:
            return timestamp(int(match["ts"]), match["style"] or "f", now)
        if match["command"]:
            return f"/{match['command']}"
        return f":{match['emoji']}:"

    return TOKEN.sub(replace, text)


def to_text(text: str, names: Names, now: datetime, style: str = "") -> Text:
    """Discord markdown as a rich Text, line by line (headings, quotes, lists, code blocks)."""
    lines: list[Text] = []
    in_code_block = False
    for line in per_line(plain(text, names, now)).split("\n"):
        if line.lstrip().startswith("```"):  # the fence itself is not shown
            in_code_block = not in_code_block
            continue
        if in_code_block:
            lines.append(Text(line, CODE_STYLE))
            continue
        line_style, line = _block(line)
        lines.append(Text())
        inline(line, line_style, lines[-1])
    out = Text("\n", style=style).join(lines)
    out.rstrip()
    return out


def inline(text: str, style: str, out: Text) -> None:
    """Append ``text`` to ``out`` with its inline markdown turned into styles (nested too)."""
    position = 0
    for match in INLINE.finditer(text):
        out.append(text[position : match.start()], style or None)
        kind = next(name for name, value in match.groupdict().items() if value is not None)
        if kind == "escaped":  # a backslash shows the next character as it is
            out.append(match["escaped"], style or None)
        elif kind == "code":
            out.append(match["code"], _join(style, CODE_STYLE))
        elif kind in ("label", "url"):
            out.append(match["label"], _join(style, "underline"))
            out.append(f" ({match['url']})", _join(style, "dim"))
        else:
            inline(match[kind], _join(style, STYLES[kind]), out)
        position = match.end()
    out.append(text[position:], style or None)


def per_line(text: str) -> str:
    """``text`` with each bold, underline, strike or spoiler that spans lines closed at every
    line break and opened again on the next line, since drawing goes line by line. Code
    blocks are left alone: markers inside them are text."""
    out: list[str] = []
    prose: list[str] = []
    in_code_block = False
    for line in text.split("\n"):
        fence = line.lstrip().startswith("```")
        if not (fence or in_code_block):
            prose.append(line)
            continue
        if prose:
            out.append(SPANNING.sub(_split_span, "\n".join(prose)))
            prose = []
        out.append(line)
        in_code_block ^= fence
    if prose:
        out.append(SPANNING.sub(_split_span, "\n".join(prose)))
    return "\n".join(out)


def _split_span(match: re.Match[str]) -> str:
    marker, body = match[1], match[2]
    if "\n" not in body:
        return match[0]
    lines = []
    for part in body.split("\n"):
        # A line's own marker ("- ", "> ") stays in front, where _block looks for it.
        lead = BLOCK_MARKER.match(part)
        head, rest = (lead[0], part[lead.end() :]) if lead else ("", part)
        lines.append(f"{head}{marker}{rest}{marker}" if rest.strip() else part)
    return "\n".join(lines)


def timestamp(seconds: int, style: str, now: datetime) -> str:
    """Discord's ``<t:...:style>`` in UTC, the sandbox's time zone."""
    when = datetime.fromtimestamp(seconds, UTC)
    if style == "R":
        return relative(when - now)
    day = f"{when.day} {when:%B %Y}"
    return {
        "t": f"{when:%H:%M}",
        "T": f"{when:%H:%M:%S}",
        "d": f"{when:%d/%m/%Y}",
        "D": day,
        "F": f"{when:%A} {day} {when:%H:%M} UTC",
    }.get(style, f"{day} {when:%H:%M} UTC")


def relative(delta: timedelta) -> str:
    """``in 23 hours`` / ``5 minutes ago``, rounded down as Discord does."""
    seconds = delta.total_seconds()
    if abs(seconds) < 1:
        return "now"
    size_name, size = next((u for u in UNITS if abs(seconds) >= u[1]), UNITS[-1])
    count = int(abs(seconds) // size)
    phrase = f"{count} {size_name}{'' if count == 1 else 's'}"
    return f"in {phrase}" if seconds >= 0 else f"{phrase} ago"


def _block(line: str) -> tuple[str, str]:
    """The style a line-level marker gives, and the line without the marker."""
    for marker, style in (("### ", "bold"), ("## ", "bold"), ("# ", "bold underline"),
                          ("-# ", "dim"), ("> ", "italic")):  # fmt: skip
        if line.startswith(marker):
            body = line[len(marker) :]
            return style, ("▌ " + body if marker == "> " else body)
    if line.startswith(("- ", "* ")):
        return "", "• " + line[2:]
    return "", line


def _join(*styles: str) -> str:
    return " ".join(s for s in styles if s)
