"""Benchmarks run by `make bench`: each `bench_*.py` module yields `(name, value, unit)`."""
