"""The measurements of `python -m bench`: every module in this package is one.

A measurement module defines:

    NAME = "site_build"                # its key in bench/results.json
    SUMMARY = "one line: what it measures"

    def measure(runs: int, quick: bool) -> dict:
        ...                            # the figures, JSON-serialisable

`runs` is how often each timing is repeated (the median is reported); `quick` asks for a smoke
run (smallest sizes, one run). Time child processes with bench.timing.run_child (wall and CPU
seconds) and call the harness only through its public entry points (the `kubedoctest` CLI,
`pytest --kubedoctest`, `mkdocs build`), never its internals. To add one (for example kind:
node image build cold/warm, create to ready, median snippet, suite, peak memory), add
bench/measurements/<name>.py with the three names above; `python -m bench <name>` runs it and
merges its figures into bench/results.json under NAME. Nothing else needs to change.
"""
