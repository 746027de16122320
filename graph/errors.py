"""The errors a build can end with; each names where in the inputs the problem is."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class BuildError(Exception):
    """A build cannot go on: the message says where and why, in one line."""


@dataclass(frozen=True)
class Location:
    """A place in an input file: ``file:line: entry`` (the entry is a path such as
    ``events[khalidiya-massacre-2012].when``); ``fields`` holds the lines of the entry's keys."""

    file: str
    line: int = 0
    entry: str = ""
    fields: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def at(self, name: str) -> Location:
        """The location of one field of this entry, on that field's own line when known."""
        entry = f"{self.entry}.{name}" if self.entry else name
        return Location(self.file, self.fields.get(name, self.line), entry)

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line, self.entry)

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.entry}" if self.entry else place


class AnnotationError(BuildError):
    """An annotation is wrong: ``location`` is ``file:line: entry.field``."""

    def __init__(self, location: Location | str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = str(location)
        self.place = location if isinstance(location, Location) else Location(location)
        self.message = message


class AnnotationErrors(AnnotationError):
    """Every problem one run found, sorted by file and line, one ``file:line: message`` each."""

    def __init__(self, errors: Iterable[AnnotationError]) -> None:
        unique = {str(error): error for error in errors}
        self.errors = sorted(unique.values(), key=lambda e: (e.place.sort_key(), str(e)))
        first = self.errors[0]
        super().__init__(first.place, first.message)
        self.args = ("\n".join(self.lines()),)

    def lines(self) -> list[str]:
        return [str(error.args[0]) for error in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Problems:
    """Collects the annotation errors of a run so that all of them are reported together."""

    def __init__(self) -> None:
        self.errors: list[AnnotationError] = []

    def add(self, error: AnnotationError) -> None:
        self.errors.extend(error.errors if isinstance(error, AnnotationErrors) else [error])

    def attempt(self, action: Callable[..., T], *args: object) -> T | None:
        """Run ``action(*args)``; an annotation error is recorded, and None returned."""
        try:
            return action(*args)
        except AnnotationError as error:
            self.add(error)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise AnnotationErrors(self.errors)
