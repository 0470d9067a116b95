"""Fuzzers for the compiler's and the harness's hostile inputs (issue 16).

`python -m tinyengine_pio.fuzz models ...` mutates .tflite models (fuzz/models.py) and runs the
compiler on each mutant; `python -m tinyengine_pio.fuzz serial ...` runs the host serial client
against a fake device that answers with damaged frames (fuzz/serial.py). Both take a seed and a
budget, print a table of outcomes (and JSON with --json), and save the cases that broke a rule
into a corpus directory, which tests/fuzz/ replays as regressions.
"""
