"""The offline sandbox: the real bot (every cog, a real SQLite file, the real scheduler) on
:mod:`offline`, with a terminal in front of it (``quizbot sandbox``).

parser (one typed line -> a step) · slash (typed options -> command values) · session (runs
steps, reports what changed) · events (what a step showed) · markup and render (drawing with
rich) · completion (Tab) · app (the prompt loop, scripts, the CLI entry).
"""

from sandbox.errors import SandboxError
from sandbox.events import StepResult
from sandbox.parser import ParseError, parse_line
from sandbox.session import Sandbox

__all__ = ["ParseError", "Sandbox", "SandboxError", "StepResult", "parse_line"]
