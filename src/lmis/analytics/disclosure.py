"""Disclosure control of cells built from personal records: a minimum cell size, then complementary
suppression so that no suppressed cell can be recovered from the published totals.

Primary suppression hides every cell counting 1 to `min_cell - 1` people (zero is published: it
says nothing about anyone). A line (the members of a ranking with its total, a row or a column of
a two-way table with its margins) with exactly one suppressed cell would give that cell away as
total minus the others, so the smallest other cell is suppressed too; this repeats over rows and
columns until nothing changes (the "hypercube" rule of Statistics Netherlands' tau-argus in its
simplest form; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from lmis.analytics.model import Cell

K = TypeVar("K", bound=Hashable)


def reason(min_cell: int) -> str:
    """The reason a suppressed cell gives."""
    return f"suppressed: fewer than {min_cell} people, or would reveal such a cell"


def is_small(people: int | None, min_cell: int) -> bool:
    """Whether a cell of `people` must be hidden on its own (primary suppression)."""
    return people is not None and 0 < people < min_cell


def hide(cell: Cell, min_cell: int) -> Cell:
    """`cell` without its value, marked suppressed (the people count is dropped too)."""
    return Cell(None, None, suppressed=True, reason=reason(min_cell))


def _complete_line(people: Mapping[K, int], hidden: set[K]) -> bool:
    """Add one complementary cell to a line that hides exactly one of its cells; True if it added one."""
    members = list(people)
    hidden_here = [key for key in members if key in hidden]
    if len(hidden_here) != 1 or len(members) < 2:
        return False
    others = [key for key in members if key not in hidden]
    # the smallest other cell costs least information; a zero cell only if nothing else is left
    nonzero = [key for key in others if people[key] > 0]
    pick = min(nonzero or others, key=lambda key: people[key])
    hidden.add(pick)
    return True


def suppress_line(people: Mapping[K, int], min_cell: int) -> set[K]:
    """The keys to hide in one line of counts whose total is published."""
    hidden = {key for key, count in people.items() if is_small(count, min_cell)}
    _complete_line(people, hidden)
    return hidden


def suppress_table(people: Mapping[tuple[K, K], int], min_cell: int) -> set[tuple[K, K]]:
    """The cells to hide in a two-way table whose row and column totals are published."""
    hidden = {key for key, count in people.items() if is_small(count, min_cell)}
    rows: dict[K, dict[tuple[K, K], int]] = {}
    columns: dict[K, dict[tuple[K, K], int]] = {}
    for key, count in people.items():
        rows.setdefault(key[0], {})[key] = count
        columns.setdefault(key[1], {})[key] = count
    changed = True
    while changed:
        changed = False
        for line in (*rows.values(), *columns.values()):
            changed |= _complete_line(line, hidden)
    return hidden


def protect(cells: Sequence[Cell], total: Cell, min_cell: int) -> tuple[list[Cell], Cell]:
    """Disclosure control of a line of personal cells and its total: small cells are hidden, and one
    more when a single hidden cell could be recovered from the total. Cells without a people count
    (postings-only measures) pass unchanged. A small total hides the whole line."""
    if total.people is not None and is_small(total.people, min_cell):
        return [hide(cell, min_cell) if cell.people is not None else cell for cell in cells], hide(total, min_cell)
    people = {n: cell.people for n, cell in enumerate(cells) if cell.people is not None}
    hidden = suppress_line(people, min_cell)
    return [hide(cell, min_cell) if n in hidden else cell for n, cell in enumerate(cells)], total
