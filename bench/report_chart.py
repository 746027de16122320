"""chart.png: the catalogue throughput of each server, per size and concurrency level."""

from __future__ import annotations

from pathlib import Path

from bench.formatting import plural
from bench.servers import LABELS, SERVERS

COLOURS = {"homs-kg": "#1f77b4", "oxigraph": "#ff7f0e", "rdflib": "#2ca02c"}


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [(label, s) for label, s in results["sizes"].items() if "summary" in s]
    if not sizes:
        return
    figure, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
    for axis, (label, size) in zip(axes[0], sizes, strict=True):
        clients = [str(c) for c in size.get("clients", results["args"]["clients"])]
        draw_size(axis, label, size, clients)
    # two lines, so that the title fits over a single chart as well
    figure.suptitle("Non-federated catalogue queries:\none pass over the catalogue, per second")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def draw_size(axis: object, label: str, size: dict, clients: list[str]) -> None:
    """One size's bars: a group per concurrency level, a bar per server."""
    names = [n for n in SERVERS if n in size["servers"]]
    width = 0.8 / len(names)
    for offset, name in enumerate(names):
        values = [size["summary"][c][name]["catalogue_throughput"] for c in clients]
        positions = [i + (offset - (len(names) - 1) / 2) * width for i in range(len(clients))]
        bars = axis.bar(positions, values, width, label=LABELS[name], color=COLOURS[name])
        axis.bar_label(
            bars, labels=[f"{v:,.0f}" if v >= 10 else f"{v:.1f}" for v in values], fontsize=7
        )
    axis.set_xticks(range(len(clients)), [plural(c) for c in clients])
    axis.set_yscale("log")
    axis.set_ylabel("catalogue throughput (queries/s, log scale)")
    axis.set_title(f"{label}: {size['quads']:,} quads")
    axis.legend(fontsize=8)
