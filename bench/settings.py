"""What one benchmark run measures, and how: the command line's options, parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    sizes: list[str]
    clients: list[int]
    duration: float
    cold_starts: int = 3
    queries: list[str] | None = None  # only these catalogue queries
    servers: list[str] = field(default_factory=lambda: ["homs-kg", "oxigraph", "rdflib"])
    rdflib_sizes: set[str] = field(default_factory=lambda: {"article"})
    load_only: set[str] = field(default_factory=set)
    clients_for: dict[str, list[int]] = field(default_factory=dict)
    threads: int = 16
    query_workers: int = 2
    query_timeout: float = 30.0
    request_timeout: float = 60.0
    max_others: float = 0.25
    retries: int = 2
    quiet_wait: float = 300.0
    homs_kg_args: str = ""
    memory_limit_gb: float = 7.5
    write_store_bytes_per_quad: float = 1600.0
    seed: int = 7
    load_repeats: int = 3
    work_dir: Path = Path("/tmp/homs-kg-bench")
    results_dir: Path = Path("bench/results")
    keep_stores: bool = False

    @property
    def limit_mb(self) -> float:
        return self.memory_limit_gb * 1024

    def clients_at(self, size: str) -> list[int]:
        """The concurrency levels at a size (--clients-for, else --clients)."""
        return self.clients_for.get(size, self.clients)

    def serves(self, name: str, size: str) -> bool:
        """Whether the server is measured at that size (rdflib-endpoint holds all in memory)."""
        return name in self.servers and (name != "rdflib" or size in self.rdflib_sizes)

    def recorded(self) -> dict:
        """The settings written with the results."""
        return {
            "sizes": self.sizes,
            "clients": self.clients,
            "duration": self.duration,
            "cold_starts": self.cold_starts,
            "threads": self.threads,
            "query_workers": self.query_workers,
            "seed": self.seed,
            "memory_limit_gb": self.memory_limit_gb,
        }
