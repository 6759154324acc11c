"""Boardroom's benchmark suite: `uv run python -m bench` (see bench/README.md).

The package is also a small Django app, installed only when the BENCH setting is on, holding the
two controls every figure is compared with (a logged-in "Fortunes" page and a bare insert) and a
middleware that reports each request's query count in a header.
"""
