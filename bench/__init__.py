"""Benchmarks of the gateway: ``python -m bench.run`` (the suite) and
``bench/memory.py`` (memory under the largest requests)."""
