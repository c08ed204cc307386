"""Writing files so that a concurrent reader (another process of the same install, or a parallel test
worker sharing a cache folder) sees either no file or the whole file, never half of one."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """Yield a private partial path beside `path` (same suffix, so writers that append one do not) and, when
    the block ends without an error, rename it over `path`; on an error the partial file is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.partial{path.suffix}")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
