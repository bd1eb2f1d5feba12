"""State a fix run shares across files: where secrets go, and the names already taken."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from tokenward.fix.style import CodeStyle
from tokenward.records import record


class Destination(Enum):
    """Where a moved secret goes, and therefore what the fixed code looks up."""

    ENV = "env"
    STORE = "store"


@record
class MovedSecret:
    """A secret taken out of the code. ``value`` never appears in any output."""

    name: str
    value: str = field(repr=False)
    path: str
    line: int
    rule_id: str
    target: str | None = None
    # A PEM block moved to .env: stored on one line, each line break written ``\n``
    # (a shell and python-dotenv both read that unchanged in single quotes); the code
    # puts the breaks back.
    one_line: bool = False

    @property
    def spelled(self) -> str:
        """The value as the code held it."""
        return self.value.replace("\\n", "\n") if self.one_line else self.value


class NameRegistry:
    """Names of moved secrets, unique across the project.

    A name already bound to the same value is reused (the same key in two files is one
    secret); a name bound to another value gets a numbered suffix, never an overwrite.
    """

    def __init__(self, taken: Mapping[str, str] | None = None, *,
                 environment: Mapping[str, str] | None = None,
                 lookup: Callable[[str], str | None] | None = None) -> None:
        self._taken: dict[str, str] = dict(taken or {})
        # Names held elsewhere (the vault), asked one by one.
        self._lookup = lookup
        # A variable already set in the user's environment shadows .env and the vault at
        # run time, so a different value there is a clash too.
        self._environment = dict(os.environ if environment is None else environment)

    def claim(self, base: str, value: str) -> str:
        candidate, number = base, 1
        while True:
            current = self._taken.get(candidate, self._environment.get(candidate))
            if current is None and self._lookup is not None:
                current = self._lookup(candidate)
            if current is None or current == value:
                self._taken[candidate] = value
                return candidate
            number += 1
            candidate = f"{base}_{number}"

    def snapshot(self) -> NameRegistry:
        return NameRegistry(self._taken, environment=self._environment, lookup=self._lookup)

    def restore(self, other: NameRegistry) -> None:
        self._taken = dict(other._taken)


@dataclass
class FixServices:
    destination: Destination = Destination.ENV
    names: NameRegistry = field(default_factory=NameRegistry)
    style: CodeStyle = field(default_factory=CodeStyle)
