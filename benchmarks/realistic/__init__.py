"""Realistic models built with the TensorFlow converter (build.py) and the runner that
compiles them, checks them against TFLM and reports (run.py): ``python -m benchmarks.realistic``."""
