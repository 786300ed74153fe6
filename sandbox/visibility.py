"""What a member can see and click in the fake world, the way Discord's client decides it:
private (ephemeral) replies only to the member they answered, channels only with View Channel,
and ``click LABEL`` takes the nearest, newest button with that label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offline.world import FakeChannel, FakeMember, FakeMessage, World
from sandbox.errors import SandboxError
from sandbox.events import title_of

VIEW_CHANNEL = 1 << 10
LINK_STYLE = 5

Button = dict[str, Any]


def owner_of(world: World, message: FakeMessage) -> FakeMember | None:
    """Who may see an ephemeral message: the member whose interaction it answered."""
    if not message.ephemeral or message.interaction_id is None:
        return None
    interaction = world.interactions.get(message.interaction_id)
    return interaction.member if interaction else None


def label_of(button: Button) -> str:
    emoji = (button.get("emoji") or {}).get("name") or ""
    return str(button.get("label") or emoji)


@dataclass(frozen=True)
class Eyes:
    """One member looking from one channel or thread."""

    world: World
    member: FakeMember
    here: FakeChannel

    def sees(self, message: FakeMessage) -> bool:
        if message.deleted:
            return False
        owner = owner_of(self.world, message)
        if owner is not None and owner.id != self.member.id:
            return False
        guild = message.channel.guild
        return bool(guild.permissions(self.member, message.channel) & VIEW_CHANNEL)

    def nearness(self, message: FakeMessage) -> int:
        """0 here; 1 a private reply; 2 a thread of here, or here's parent; 3 elsewhere."""
        channel = message.channel
        if channel.id == self.here.id:
            return 0
        if message.ephemeral:
            return 1
        if self.here.id == channel.parent_id or channel.id == self.here.parent_id:
            return 2
        return 3

    def buttons(self) -> list[tuple[FakeMessage, Button]]:
        """Every button this member can see, nearest first, then newest first."""
        found = []
        messages = list(self.world.messages.values())
        for age, message in enumerate(reversed(messages)):
            if self.sees(message):
                found += [((self.nearness(message), age), message, b) for b in message.buttons()]
        found.sort(key=lambda entry: entry[0])
        return [(message, button) for _, message, button in found]

    def labels(self) -> list[str]:
        """Labels of the buttons ``click`` could press now, the likeliest first."""
        labels: list[str] = []
        for _, button in self.buttons():
            label = label_of(button)
            if label and label not in labels and not button.get("disabled"):
                labels.append(label)
        return labels

    def button(self, label: str) -> tuple[FakeMessage, Button]:
        """The button ``click label`` means: an exact label first, then one that differs only
        in case; enabled ones before a disabled one (which is an error that says so)."""
        buttons = self.buttons()
        for matches in (
            lambda b: label_of(b) == label,
            lambda b: label_of(b).casefold() == label.casefold(),
        ):
            hits = [(m, b) for m, b in buttons if matches(b)]
            enabled = [(m, b) for m, b in hits if not b.get("disabled")]
            if enabled:
                message, button = enabled[0]
                if button.get("style") == LINK_STYLE or "custom_id" not in button:
                    raise SandboxError(f"[{label}] is a link: it opens {button.get('url')}")
                return message, button
            if hits:
                message = hits[0][0]
                raise SandboxError(
                    f"[{label}] is disabled on {title_of(message)} in #{message.channel.name}"
                )
        offered = " ".join(f"[{shown}]" for shown in self.labels()) or "none"
        raise SandboxError(
            f"no button [{label}] that {self.member.name} can see (buttons: {offered})"
        )
