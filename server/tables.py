"""Plain-text tables of SPARQL solutions, for the terminal."""

from __future__ import annotations

from pyoxigraph import Literal, QuerySolutions


def cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value
    return getattr(term, "value", str(term))


def render_table(solutions: QuerySolutions) -> str:
    """Columns padded to their widest cell; one line per solution, then a row count."""
    names = [variable.value for variable in solutions.variables]
    rows = [[cell(solution[name]) for name in names] for solution in solutions]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(name.ljust(w) for name, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
