"""Benchmarks (not tests): run them with `make bench` or `python bench/server.py`."""
