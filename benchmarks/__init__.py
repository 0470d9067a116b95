"""Benchmarks of generated code on emulated Cortex-M boards (see run.py)."""
