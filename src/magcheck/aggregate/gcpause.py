"""Aggregation without the cyclic garbage collector running in the middle of it.

Aggregating a large programme holds millions of small tuples and lists at once; each full
collection walks all of them, and at 10M answers those walks took about a third of the time.
The aggregate makes no reference cycles that need collecting while it runs (reference
counting frees everything else), so the collector is paused for the call and resumed after.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return wrapper
