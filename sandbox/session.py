"""A sandbox session: the real bot on :class:`~offline.OfflineDiscord`, one member at the
keyboard acting in one channel, and the steps of the sandbox language run against it.

The session never prints. Each step returns a :class:`~sandbox.events.StepResult` (new and
edited messages, notices, problems) that the terminal app renders and tests inspect.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from offline import OfflineDiscord, OfflineError, Reply
from offline.world import (
    ADMIN_PERMISSIONS,
    FakeAttachment,
    FakeChannel,
    FakeMember,
    FakeMessage,
    FakeRole,
)
from sandbox import parser, slash
from sandbox.changes import ChangeLog, LogCollector
from sandbox.completion import Offered, OptionInProgress
from sandbox.errors import SandboxError
from sandbox.events import ClockMoved, FormOpened, HelpShown, Notice, StepResult, title_of
from sandbox.parser import Answer, Become, Click, Enter, Help, Quit, Slash, Step, Wait
from sandbox.visibility import Eyes, label_of

T = TypeVar("T")
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,100}$")  # what Discord accepts for a new channel
DEFAULT_MEMBER = "alice"
DEFAULT_CHANNEL = "general"


class Sandbox:
    """One member (``me``) acting in one channel or thread (``here``) of the fake server."""

    def __init__(self, discord: OfflineDiscord, files_dir: Path, logs: LogCollector) -> None:
        self.discord = discord
        self.me: FakeMember = discord.member(DEFAULT_MEMBER)
        self.here: FakeChannel = discord.channel(DEFAULT_CHANNEL)
        self._changes = ChangeLog(discord, files_dir, logs)
        self._forms: dict[int, Reply] = {}  # member id -> the reply that opened their form

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        db_path: Path,
        files_dir: Path,
        *,
        bank: Path | None = None,
        start: datetime | None = None,
    ) -> AsyncIterator[Sandbox]:
        """Start the real bot on a fake Discord whose clock starts at ``start`` (default: now)."""
        overrides: dict[str, Any] = {"bank": str(bank)} if bank else {}
        start = start or datetime.now(UTC).replace(second=0, microsecond=0)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        logs = LogCollector()
        logging.getLogger().addHandler(logs)
        # fail_on_errors=False: problems are reported step by step, not as one crash at exit.
        discord = OfflineDiscord(db_path=db_path, start=start, fail_on_errors=False, **overrides)
        try:
            async with discord:
                yield cls(discord, files_dir, logs)
        finally:
            logging.getLogger().removeHandler(logs)

    # -- what the prompt and the completer read ------------------------------------------------

    @property
    def prompt(self) -> str:
        return f"{self.me.name}@#{self.here.name}"

    @property
    def now(self) -> datetime:
        return self.discord.now

    @property
    def eyes(self) -> Eyes:
        return Eyes(self.discord.world, self.me, self.here)

    def member_names(self) -> list[str]:
        return sorted(m.name for m in self.discord.guild.members.values())

    def channel_names(self) -> list[str]:
        return [c.name for c in self._channels()]

    def role_names(self) -> list[str]:
        guild = self.discord.guild
        return sorted(r.name for r in guild.roles.values() if r.id != guild.id)

    def button_labels(self) -> list[str]:
        return self.eyes.labels()

    def commands(self) -> list[slash.AnyCommand]:
        return slash.leaf_commands(self.discord.bot.tree)

    async def autocomplete(self, option: OptionInProgress) -> list[Offered]:
        """What the bot suggests for the option being typed, each with the name Discord's
        client shows and the value it sends; [] when the bot cannot be asked."""
        parameters = {p.display_name: p for p in option.command.parameters}
        existing = _ExistingOnly(self)  # typing must not create channels or members
        options: dict[str, Any] = {}
        for name, text in option.typed.items():
            if name not in parameters:
                continue
            try:
                options[name] = slash.convert(parameters[name], text, existing)
            except SandboxError:
                # Discord's client leaves out what it cannot send yet (a channel that does not
                # exist, a half-typed number) and still asks about the focused option.
                continue
        options[option.parameter.display_name] = option.value  # sent as typed, unparsed
        try:
            choices = await self.discord.autocomplete(
                self.me,
                option.command.qualified_name,
                option.parameter.display_name,
                in_channel=self.here,
                **options,
            )
        except OfflineError:
            return []
        return [Offered(str(choice["name"]), str(choice["value"])) for choice in choices]

    # -- steps ---------------------------------------------------------------------------------

    async def run_line(self, line: str) -> StepResult | None:
        """Parse and run one line; None for a blank line or a comment."""
        step = parser.parse_line(line)
        return None if step is None else await self.run(step)

    async def run(self, step: Step) -> StepResult:
        """Run one step. Typing mistakes raise :class:`SandboxError`; trouble in the bot lands
        in the result's ``problems``."""
        before = self._changes.before()
        result = StepResult()
        touched: list[FakeMessage | None] = []  # a thread opened on one of these is followed
        if isinstance(step, Slash):
            touched.append(await self._slash(step, result))
        elif isinstance(step, Click):
            touched += await self._click(step, result)
        elif isinstance(step, Answer):
            await self._answer(step, result)
        elif isinstance(step, Become):
            self._become(step, result)
        elif isinstance(step, Enter):
            self._enter(step, result)
        elif isinstance(step, Wait):
            await _guard(self.discord.advance(step.delta))
            result.events.append(ClockMoved(step.delta, self.now))
        elif isinstance(step, Help):
            result.events.append(HelpShown(tuple(parser.WORDS.items())))
        elif isinstance(step, Quit):
            raise SandboxError("quit ends the app; the session has nothing to do")
        follow = {m.thread.id for m in touched if m is not None and m.thread is not None}
        thread = self._changes.collect(result, before, follow)
        if thread is not None:
            self.here = thread
        return result

    async def elapse(self, delta: timedelta) -> StepResult:
        """Let ``delta`` pass as time passes between two typed lines: what falls due runs, as
        in ``wait``, but the result carries no clock line (nobody asked to wait)."""
        before = self._changes.before()
        result = StepResult()
        if delta > timedelta(0):
            await _guard(self.discord.advance(delta))
        self._changes.collect(result, before, follow=set())
        return result

    def report(self) -> StepResult:
        """What happened outside any step (at start-up): messages, warnings, problems."""
        result = StepResult()
        self._changes.collect(result, self._changes.before(), follow=set())
        return result

    async def _slash(self, step: Slash, result: StepResult) -> FakeMessage | None:
        command = slash.find_command(self.discord.bot.tree, step.words)
        options = slash.convert_options(command, step.options, self)
        reply = await _guard(
            self.discord.slash(self.me, command.qualified_name, in_channel=self.here, **options)
        )
        self._remember_form(reply, result)
        return reply.message

    async def _click(self, step: Click, result: StepResult) -> list[FakeMessage | None]:
        message, button = self.eyes.button(step.label)
        if message.channel.id != self.here.id:
            where = "a message only you can see" if message.ephemeral else title_of(message)
            result.events.append(
                Notice(f"clicking [{label_of(button)}] on {where} in #{message.channel.name}")
            )
        reply = await _guard(self.discord.click(self.me, message, custom_id=button["custom_id"]))
        self._remember_form(reply, result)
        return [message, reply.message]

    async def _answer(self, step: Answer, result: StepResult) -> None:
        form = self._forms.get(self.me.id)
        if form is None or form.modal is None:
            raise SandboxError(
                f"no form is open for {self.me.name}: click a button that opens one first "
                "(e.g. click Answer)"
            )
        box = _text_inputs(form.modal)[0]
        # Discord's client enforces the box's length before anything is sent.
        limit = box.get("max_length")
        if limit is not None and len(step.text) > limit:
            raise SandboxError(f"the box takes at most {limit} characters ({len(step.text)} given)")
        if len(step.text) < (box.get("min_length") or 0):
            raise SandboxError(f"the box needs at least {box['min_length']} characters")
        reply = await _guard(
            self.discord.submit_modal(self.me, form, **{box["custom_id"]: step.text})
        )
        del self._forms[self.me.id]
        self._remember_form(reply, result)

    def _become(self, step: Become, result: StepResult) -> None:
        known = self._find_member(step.name)
        member = known or self.discord.member(step.name, admin=step.admin)
        if step.admin and not self._is_admin(member):
            role = self.discord.role("moderator", permissions=ADMIN_PERMISSIONS)
            member.role_ids.append(role.id)
        self.me = member
        details = [
            "a new member" if known is None else "",
            "can manage the server" if self._is_admin(member) else "",
        ]
        extra = ", ".join(d for d in details if d)
        result.events.append(Notice(f"you are {member.name}" + (f" ({extra})" if extra else "")))

    def _enter(self, step: Enter, result: StepResult) -> None:
        existing = self._find_channel(step.channel)
        self.here = existing or self.channel(step.channel)
        what = "a new channel" if existing is None else ""
        if self.here.is_thread and self.here.parent_id:
            parent = self.discord.world.channels[self.here.parent_id]
            what = f"a thread in #{parent.name}"
        result.events.append(
            Notice(f"you are in #{self.here.name}" + (f" ({what})" if what else ""))
        )

    def _remember_form(self, reply: Reply, result: StepResult) -> None:
        if reply.modal is None:
            return
        self._forms[self.me.id] = reply
        boxes = _text_inputs(reply.modal)
        result.events.append(
            FormOpened(
                title=str(reply.modal.get("title") or ""),
                fields=tuple(str(b.get("label") or b["custom_id"]) for b in boxes),
                hint=str(boxes[0].get("placeholder") or "") if boxes else "",
            )
        )

    # -- slash.Directory: what option values name ----------------------------------------------

    def member(self, name: str) -> FakeMember:
        member = self._find_member(name)
        if member is None:
            # A typo must not invent a member: Discord only lets you pick existing ones.
            known = ", ".join(self.member_names())
            raise SandboxError(
                f"no member @{name} (members: {known}); `as {name}` adds one to the server"
            )
        return member

    def channel(self, name: str) -> FakeChannel:
        found = self._find_channel(name)
        if found is not None:
            return found
        if not CHANNEL_NAME.match(name):
            threads = ", ".join(f"#{c.name}" for c in self._channels() if c.is_thread) or "none"
            raise SandboxError(
                f"no channel or thread #{name}, and Discord channel names are lowercase with "
                f"no spaces (threads: {threads})"
            )
        return self.discord.channel(name)

    def role(self, name: str) -> FakeRole:
        return self.discord.role(name)

    def attachment(self, path: Path) -> FakeAttachment:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SandboxError(f"cannot attach {path}: {exc.strerror}") from None
        return self.discord.attachment(path.name, data)

    def _find_member(self, name: str) -> FakeMember | None:
        return _by_name(list(self.discord.guild.members.values()), name)

    def _find_channel(self, name: str) -> FakeChannel | None:
        return _by_name(self._channels(), name)

    def _channels(self) -> list[FakeChannel]:
        return [c for c in self.discord.guild.channels.values() if not c.deleted]

    def _is_admin(self, member: FakeMember) -> bool:
        return bool(self.discord.guild.permissions(member) & ADMIN_PERMISSIONS)


@dataclass(frozen=True)
class _ExistingOnly:
    """A slash.Directory that names what exists and creates nothing (for completion)."""

    sandbox: Sandbox

    def member(self, name: str) -> FakeMember:
        return self.sandbox.member(name)

    def channel(self, name: str) -> FakeChannel:
        found = _by_name(self.sandbox._channels(), name)
        if found is None:
            raise SandboxError(f"no channel #{name}")
        return found

    def role(self, name: str) -> FakeRole:
        for role in self.sandbox.discord.guild.roles.values():
            if role.name == name:
                return role
        raise SandboxError(f"no role @&{name}")

    def attachment(self, path: Path) -> FakeAttachment:
        raise SandboxError("files are not read while completing")


async def _guard(action: Awaitable[T]) -> T:
    """The harness's refusals (no such option, a disabled button) are the user's to fix."""
    try:
        return await action
    except OfflineError as exc:
        raise SandboxError(str(exc)) from None


Named = TypeVar("Named", FakeMember, FakeChannel)


def _by_name(candidates: list[Named], name: str) -> Named | None:
    """The exact name first, else one that differs only in case."""
    for candidate in candidates:
        if candidate.name == name:
            return candidate
    for candidate in candidates:
        if candidate.name.casefold() == name.casefold():
            return candidate
    return None


def _text_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's text boxes, whether laid out in action rows or in labels."""
    boxes = []
    for row in modal.get("components") or []:
        if row.get("type") == 18:  # a label wrapping one component
            boxes.append(dict(row["component"], label=row.get("label")))
        else:
            boxes += [c for c in row.get("components") or [] if c.get("type") == 4]
    return [b for b in boxes if b.get("type") == 4]
