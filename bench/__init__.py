"""The benchmark and profiling scripts, run by hand (docs/benchmark.md); not part of the tests."""
