"""What every command shares: building the services lazily and showing progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from lmis.bootstrap import Services


def services(*, migrated: bool = True) -> Services:
    """Read the settings and build the services (only when a command needs them).

    With `migrated` (every command but those that create or upgrade the schema) a database that is
    empty or at an older revision stops the command with what to run, instead of a failing query.
    The engine is disposed when the command ends, so no database connection outlives it
    (also when commands run in-process, as in tests).
    """
    import click

    from lmis.bootstrap import build
    from lmis.config import load_settings

    built = build(load_settings())
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(built.engine.dispose)
    if migrated:
        current, newest = built.database_revision()
        if current != newest:
            where = built.settings.resolved_database_url().rsplit("@", 1)[-1]
            state = "has no LMIS schema" if current is None else f"is at schema revision {current}, not {newest}"
            raise click.ClickException(f"the database ({where}) {state}: run `lmis init` (or `lmis db upgrade`)")
    return built


def refresh_search(built: Services) -> None:
    """Bring the search index up to date after postings changed (a running server would within seconds)."""
    import click

    report = built.search.sync(built.now)
    if report is None:
        click.echo("search index: being updated by the running server", err=True)
    elif report.indexed or report.removed:
        click.echo(f"search index: {report.indexed} indexed, {report.removed} removed", err=True)


class RichProgress:
    """A `lmis.shared.progress.Progress` that draws one bar per phase on stderr."""

    def __init__(self, *, enabled: bool = True) -> None:
        self._bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
            disable=not enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._bars.stop()

    def begin(self, label: str, total: int) -> None:
        """Start a new bar for the phase."""
        self._task = self._bars.add_task(label, total=total or None)

    def advance(self, amount: int = 1) -> None:
        """Move the current bar."""
        if self._task is not None:
            self._bars.advance(self._task, amount)
