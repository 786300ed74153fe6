"""Draw sandbox events with rich: messages with a header line, embeds as boxed panels (title,
fields, footer), buttons as ``[A] [B] [Answer]``, private replies marked, saved files with
their path. Rendering reads the fake world only for names; it never changes anything."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from offline.world import LOADING, FakeMember, FakeMessage, World
from sandbox.events import (
    Change,
    ClockMoved,
    Event,
    FormOpened,
    HelpShown,
    LogLine,
    Notice,
    Shown,
    ThreadOpened,
    title_of,
)
from sandbox.markup import plain, to_text

BUTTON_STYLES = {1: "bold blue", 2: "bold", 3: "bold green", 4: "bold red", 5: "underline blue"}
SELECTS = {3, 5, 6, 7, 8}
AUTHOR_STYLE = "bold magenta"
NOTE_STYLE = "cyan"
DIM = "dim"


@dataclass(frozen=True)
class WorldNames:
    """Names for mention ids, read from the fake world (implements markup.Names)."""

    world: World

    def user(self, user_id: int) -> str | None:
        user = self.world.users.get(user_id)
        return user.name if user else None

    def channel(self, channel_id: int) -> str | None:
        channel = self.world.channels.get(channel_id)
        return channel.name if channel else None

    def role(self, role_id: int) -> str | None:
        for guild in self.world.guilds.values():
            if role_id in guild.roles:
                return guild.roles[role_id].name
        return None


@dataclass(frozen=True)
class View:
    """Who is looking, and when (the fake clock): relative times and "only you" depend on it."""

    world: World
    viewer: FakeMember
    now: datetime

    @property
    def names(self) -> WorldNames:
        return WorldNames(self.world)

    def text(self, markdown: str, style: str = "") -> Text:
        return to_text(markdown, self.names, self.now, style)


def render(event: Event, view: View) -> RenderableType:
    if isinstance(event, Shown):
        return shown(event, view)
    if isinstance(event, Notice):
        return Text(f"› {event.text}", NOTE_STYLE)
    if isinstance(event, ThreadOpened):
        return thread_opened(event, view)
    if isinstance(event, FormOpened):
        return form_opened(event)
    if isinstance(event, ClockMoved):
        when = f"{event.now:%a} {event.now.day} {event.now:%b %Y %H:%M:%S} UTC"
        return Text(f"⏱ {duration(event.delta)} later: {when}", NOTE_STYLE)
    if isinstance(event, LogLine):
        return Text(f"bot log {event.level} {event.logger}: {event.text}", "yellow")
    if isinstance(event, HelpShown):
        return help_table(event)
    raise TypeError(f"cannot render {event!r}")


def problem(text: str) -> Text:
    return Text(f"✗ {text}", "bold red")


def shown(event: Shown, view: View) -> RenderableType:
    message = event.message
    if event.change is Change.DELETED:
        return Text(
            f"{_author(message)} deleted {title_of(message)} in #{message.channel.name}", DIM
        )
    if event.change is Change.BUTTONS:
        where = f"{title_of(message)} in #{message.channel.name}"
        line = Text(f"{_author(message)} updated the buttons of {where}: ", DIM)
        rows = _components(message.components, view)
        if not rows:
            return line.append("none left", DIM)
        return Group(line.append_text(rows[0]), *rows[1:])
    parts: list[RenderableType] = [header(event, view)]
    if message.reference_id:
        parent = view.world.messages.get(message.reference_id)
        parts.append(Text(f"↪ replying to {title_of(parent) if parent else 'a message'}", DIM))
    if message.flags & LOADING:
        parts.append(Text(f"{_author(message)} is thinking…", "italic dim"))
    if message.content:
        parts.append(view.text(message.content))
    parts += [embed(data, view) for data in message.embed_data]
    for attachment in message.attachments:
        path = event.saved.get(attachment.id)
        where = f"saved to {display_path(path)}" if path else "not saved"
        parts.append(Text(f"📎 {attachment.filename} ({_size(len(attachment.data))}), {where}"))
    parts += _components(message.components, view)
    return Group(*parts)


def header(event: Shown, view: View) -> Text:
    message = event.message
    line = Text(_author(message), AUTHOR_STYLE)
    if message.ephemeral:
        owner = event.owner
        who = "you" if owner is None or owner.id == view.viewer.id else owner.name
        line.append(f" (only {who} can see this)", "italic yellow")
    when = datetime.fromtimestamp(view.world.snowflake_time(message.id), view.now.tzinfo)
    line.append(f"  #{message.channel.name} · {when:%a %H:%M}", DIM)
    if event.change is Change.EDITED:
        line.append(" · edited", DIM)
    return line


def embed(data: dict[str, Any], view: View) -> Panel:
    body: list[RenderableType] = []
    if author := (data.get("author") or {}).get("name"):
        body.append(Text(plain(author, view.names, view.now), "bold"))
    if description := data.get("description"):
        body.append(view.text(description))
    body += list(_fields(data.get("fields") or [], view))
    for kind in ("image", "thumbnail"):
        if url := (data.get(kind) or {}).get("url"):
            name = url.removeprefix("attachment://")
            body.append(Text(f"🖼 {kind}: {name}" + (" (file below)" if name != url else ""), DIM))
    footer = (data.get("footer") or {}).get("text")
    if footer:
        body.append(view.text(footer, DIM))
    title = data.get("title")
    color = data.get("color")
    spaced: list[RenderableType] = []
    for block in body:  # a blank line between blocks, as Discord spaces an embed's parts
        spaced += [Text(""), block] if spaced else [block]
    return Panel(
        Group(*spaced) if spaced else Text(""),
        title=view.text(title, "bold") if title else None,
        title_align="left",
        border_style=f"#{color:06x}" if isinstance(color, int) and color else DIM,
        expand=False,
    )


def thread_opened(event: ThreadOpened, view: View) -> Text:
    parent = view.world.channels.get(event.thread.parent_id or 0)
    where = f" in #{parent.name}" if parent else ""
    text = f"🧵 quizbot opened the thread #{event.thread.name}{where}"
    if event.followed:
        back = f" (in #{parent.name} to go back)" if parent else ""
        text += f"; you follow it{back}"
    return Text(text, NOTE_STYLE)


def form_opened(event: FormOpened) -> Group:
    lines = [Text(f"📝 a form opens: {event.title}", NOTE_STYLE)]
    if event.hint:
        lines.append(Text(f"   {event.hint}", DIM))
    boxes = ", ".join(event.fields) or "no text box"
    lines.append(Text(f"   {boxes}: type  answer YOUR TEXT", NOTE_STYLE))
    return Group(*lines)


def help_table(event: HelpShown) -> Table:
    table = Table(title="sandbox commands", title_justify="left", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for word, text in event.rows:
        table.add_row(word, text)
    table.add_row("", "")
    table.add_row("#name, @name", 'a channel, a member (@&name: a role; "@Two Words" quoted)')
    table.add_row("file:PATH", "a file option uploads that file: /bank import file:my-bank.yaml")
    return table


def duration(delta: timedelta) -> str:
    """``1 day 2 hours``, ``1 hour 30 minutes``: exact, unlike Discord's rounded ``in ...``."""
    seconds = round(delta.total_seconds())
    parts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts) or "0 seconds"


def display_path(path: Path) -> str:
    """Relative to the working folder when inside it: short, and clickable in most terminals."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:  # outside the working folder
        return str(path)


def _components(rows: list[dict[str, Any]], view: View) -> list[Text]:
    lines = []
    for row in rows:
        children = row.get("components") if row.get("type") == 1 else [row]
        line = Text()
        for component in children or []:
            if line:
                line.append(" ")
            line.append_text(_component(component, view))
        # Plain-text transcripts lose the dim style, so say in words what is switched off.
        off = [c for c in children or [] if c.get("disabled")]
        if off and len(off) == len(children or []):
            line.append("  (disabled)", DIM)
        elif off:
            line.append("  (disabled: " + " ".join(_label(c) for c in off) + ")", DIM)
        lines.append(line)
    return lines


def _component(component: dict[str, Any], view: View) -> Text:
    kind = component.get("type")
    if kind == 2:
        label = _label(component)
        style = DIM if component.get("disabled") else BUTTON_STYLES.get(component.get("style", 2))
        text = Text(f"[{label}]", style or "bold")
        if component.get("url"):
            text.append(f" {component['url']}", DIM)
        return text
    if kind in SELECTS:
        options = ", ".join(o.get("label", "") for o in component.get("options") or [])
        placeholder = component.get("placeholder") or "choose"
        return Text(f"[{placeholder} ▾]" + (f" {options}" if options else ""), "bold")
    if kind == 10:  # a text display (components v2)
        return view.text(component.get("content") or "")
    return Text(f"[component type {kind}]", DIM)


def _fields(fields: list[dict[str, Any]], view: View) -> Iterator[RenderableType]:
    """Inline fields side by side in a grid, as Discord lays them out; others one per block."""
    inline: list[dict[str, Any]] = []

    def flush() -> Iterator[RenderableType]:
        if inline:
            grid = Table.grid(padding=(0, 3))
            for _ in inline:
                grid.add_column()
            grid.add_row(*(_field(f, view) for f in inline))
            inline.clear()
            yield grid

    for field in fields:
        if field.get("inline"):
            inline.append(field)
            if len(inline) == 3:  # Discord's row holds three
                yield from flush()
        else:
            yield from flush()
            yield _field(field, view)
    yield from flush()


def _field(field: dict[str, Any], view: View) -> Text:
    text = view.text(field.get("name") or "", "bold")
    text.append("\n")
    text.append_text(view.text(field.get("value") or ""))
    return text


def _label(component: dict[str, Any]) -> str:
    emoji = (component.get("emoji") or {}).get("name")
    return " ".join(x for x in (emoji, component.get("label")) if x)


def _author(message: FakeMessage) -> str:
    return message.author.name


def _size(count: int) -> str:
    return f"{count / 1024:.1f} KB" if count >= 1024 else f"{count} bytes"
