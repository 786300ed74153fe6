"""The in-process fake Discord used by tests, benchmarks and the sandbox.

Only the network is fake: the real QuizBot logs in, runs its setup_hook, loads its cogs and
talks to a real SQLite file, while REST calls are answered by :mod:`offline.session` and
gateway events go through discord.py's own parsers.
"""

from offline.clock import FakeClock
from offline.faults import Fault, Faults
from offline.harness import OfflineDiscord, OfflineError, Reply
from offline.transport import Call, Violation
from offline.world import FakeChannel, FakeGuild, FakeMember, FakeMessage, FakeRole

__all__ = [
    "Call",
    "FakeChannel",
    "FakeClock",
    "FakeGuild",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "Fault",
    "Faults",
    "OfflineDiscord",
    "OfflineError",
    "Reply",
    "Violation",
]
