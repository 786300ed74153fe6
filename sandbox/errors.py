"""The one exception the sandbox shows to its user as a plain message (no traceback)."""

from __future__ import annotations


class SandboxError(Exception):
    """Something the person at the keyboard can fix: a typo, an unknown member, no such button."""
