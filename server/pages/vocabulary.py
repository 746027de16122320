"""Names in two languages, and the ontology's labels and class tree, as the pages use them."""

from __future__ import annotations

from dataclasses import dataclass, field

from homs_kg.graph.vocabulary import SCHEMA


@dataclass(frozen=True)
class Label:
    """A thing's name in both languages (either may be missing)."""

    en: str | None = None
    ar: str | None = None

    def __bool__(self) -> bool:
        return bool(self.en or self.ar)


@dataclass
class Vocabulary:
    """The ontology graph's labels (of classes, properties, roles, kinds) and class tree: what
    every page names things with."""

    labels: dict[str, Label] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=dict)

    def label(self, iri: str) -> Label:
        return self.labels.get(iri, Label())

    def ancestors(self, iri: str) -> set[str]:
        """Every superclass of ``iri``, transitively (not ``iri`` itself)."""
        found, todo = set(), list(self.parents.get(iri, ()))
        while todo:
            parent = todo.pop()
            if parent not in found:
                found.add(parent)
                todo.extend(self.parents.get(parent, ()))
        return found

    def is_a(self, classes: list[str], iri: str) -> bool:
        return any(c == iri or iri in self.ancestors(c) for c in classes)

    def schema_type(self, classes: list[str]) -> str:
        """The nearest schema.org class above ``classes`` (breadth first), else "Thing"."""
        layer = list(classes)
        seen: set[str] = set()
        while layer:
            found = sorted(
                p for c in layer for p in self.parents.get(c, ()) if p.startswith(SCHEMA.iri)
            )
            if found:
                return found[0].removeprefix(SCHEMA.iri)
            seen.update(layer)
            layer = [p for c in layer for p in self.parents.get(c, ()) if p not in seen]
        return "Thing"
