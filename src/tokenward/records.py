"""``record``: tokenward's frozen dataclasses.

``@dataclass(frozen=True)`` costs twice over at run time. Each class is made with two more
generated methods (``__setattr__`` and ``__delattr__``, each compiled from source: about
0.28 ms a class, 12 ms of the 41 a commit's hook makes at import, a tenth of its time), and
each object's ``__init__`` sets every field through ``object.__setattr__`` (1.2 us more
per object for a 13-field task: a warm re-scan of Home Assistant's wheel makes three such
objects for each of its 36,487 files, 0.1 s of its 0.9).

A record is frozen to the type checker (``dataclass_transform(frozen_default=True)``: mypy
rejects an assignment to a field, as for ``@dataclass(frozen=True)``, and mypy checks all
of ``src/`` in CI), compared, hashed, replaced and pickled by value as a frozen dataclass
is, and made with the plain methods: an assignment at run time is not stopped. The store
(``store/``, which imports nothing of ours but ``safefs``) keeps
``@dataclass(frozen=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, dataclass, field
from typing import TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, order: bool = False, eq: bool = True, slots: bool = False
           ) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, order: bool = False, eq: bool = True,
           slots: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """``cls`` as a frozen dataclass (``order``, ``eq``, ``slots`` as dataclass's): hashed
    by its fields when compared by them, by identity otherwise, as a frozen one is."""

    def make(target: type[T]) -> type[T]:
        return dataclass(order=order, eq=eq, unsafe_hash=eq, slots=slots)(target)

    return make if cls is None else make(cls)
