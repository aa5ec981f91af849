"""Hand-run benchmarks (never part of the test suite); see benchmarks/README.md."""
