"""Benchmarks: each measured in a child process (wall time, peak RSS) beside a baseline."""
