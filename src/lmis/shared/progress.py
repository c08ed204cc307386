"""The progress port long-running work reports to (a progress bar in the CLI, nothing in tests)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives the phases of long work; `advance` counts units of the phase's `total`."""

    def begin(self, label: str, total: int) -> None:
        """A new phase starts with `total` units of work."""

    def advance(self, amount: int = 1) -> None:
        """`amount` more units of the current phase are done."""


class SilentProgress:
    """A `Progress` that reports nothing."""

    def begin(self, label: str, total: int) -> None:
        """Ignore the phase."""

    def advance(self, amount: int = 1) -> None:
        """Ignore the step."""
