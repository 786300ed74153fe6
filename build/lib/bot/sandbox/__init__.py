"""The offline sandbox: the real bot (every cog, a real SQLite file, the real scheduler) on
:mod:`bot.offline`, with a terminal in front of it (``quizbot sandbox``).

parser (one typed line -> a step) · slash (typed options -> command values) · session (runs
steps, reports what changed) · events (what a step showed) · markup and render (drawing with
rich) · completion (Tab) · app (the prompt loop, scripts, the CLI entry).
"""

from bot.sandbox.errors import SandboxError
from bot.sandbox.events import StepResult
from bot.sandbox.parser import ParseError, parse_line
from bot.sandbox.session import Sandbox

__all__ = ["ParseError", "Sandbox", "SandboxError", "StepResult", "parse_line"]
