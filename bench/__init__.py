"""PlainSight benchmarks: `python -m bench` (or `make bench`).

Each ``bench/bench_<name>.py`` module is one benchmark; see bench/harness.py for what a
module provides. Benchmarks print numbers and never assert on time: the machine they run
on decides the numbers, a reader decides what they mean.
"""
