"""Where a persistent component finds the object that handles its clicks.

Each feature registers a target under its custom_id prefix, so a view never imports its cog,
and a restart re-registers."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast
from weakref import WeakKeyDictionary

import discord

T = TypeVar("T")

# Keyed by client: tests and the sandbox run several bots in one process, each with its own cogs.
_targets: WeakKeyDictionary[discord.Client, dict[str, object]] = WeakKeyDictionary()
# (Protocol, class) pairs already checked. An isinstance test against a runtime-checkable
# Protocol walks its members every time (several microseconds, on every click); the protocols
# here are methods only, which an instance's class decides, so one check per class suffices.
_conforming: set[tuple[type[Any], type[Any]]] = set()


def register(client: discord.Client, prefix: str, target: object) -> None:
    _targets.setdefault(client, {})[prefix] = target


def unregister(client: discord.Client, prefix: str) -> None:
    _targets.get(client, {}).pop(prefix, None)


class Slot(Generic[T]):
    """A typed view of one prefix's target: ``Slot[Proto]("daily", Proto).get(interaction)``
    is the registered object, checked against the runtime-checkable Protocol ``Proto``."""

    def __init__(self, prefix: str, kind: type[Any]) -> None:
        # ``kind`` is the Protocol again: a Protocol cannot be bound to ``type[T]``.
        self.prefix, self.kind = prefix, kind

    def get(self, interaction: discord.Interaction[Any]) -> T:
        target = _targets.get(interaction.client, {}).get(self.prefix)
        checked = (self.kind, type(target))
        if checked not in _conforming:
            if not isinstance(target, self.kind):
                raise RuntimeError(
                    f"no {self.kind.__name__} is registered for {self.prefix!r}: is its cog loaded?"
                )
            _conforming.add(checked)
        return cast(T, target)
