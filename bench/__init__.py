"""The project's benchmark: `python -m bench` (see __main__.py), one module per measured thing.

Adding a measurement is adding a file to bench/measurements/ (see measurements/__init__.py).
Shared helpers for timing child processes are in bench/timing.py.
"""
