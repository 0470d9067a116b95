# Two commands on a fresh machine:
#   make demo   - install, build the demo (sample_apps/platformio_shapes: a numpy-trained int8 CNN
#                 naming drawn shapes) with PlatformIO and run it on the emulated Cortex-M4
#                 (QEMU mps2-an386): prints each prediction beside the truth, latency and arena
#   make test   - install the test dependencies and run the whole test suite (what CI runs)
#   make test-fast - the edit-compile-test loop: no QEMU, PlatformIO, Zephyr or slow tests
PYTHON ?= python3
SAMPLE ?= sample_apps/platformio_shapes
BOARD ?= mps2-an386

.PHONY: install demo host-demo test test-fast

install:
	$(PYTHON) -m pip install -q -e '.[test]'
	@# pyserial and labgrid's fork pyserial-labgrid both install the `serial` package; whichever
	@# pip wrote last wins, and only the fork's RFC 2217 client talks to ser2net (labgrid tests)
	$(PYTHON) -m pip install -q --force-reinstall --no-deps pyserial-labgrid

demo: install
	$(PYTHON) -m tinyengine_pio setup
	cd $(SAMPLE) && $(PYTHON) -m platformio run -e $(BOARD)
	cd $(SAMPLE) && $(PYTHON) -m platformio run -e $(BOARD) -t upload

# compile any .tflite and run it on the host with gcc: per-layer report + output
host-demo: install
	$(PYTHON) -m tinyengine_pio run $(or $(MODEL),$(firstword $(wildcard $(SAMPLE)/model/*.tflite)))

test: install
	$(PYTHON) -m pytest -q

# markers in pyproject.toml; no install step, so it starts at once
FAST = not qemu and not platformio and not zephyr and not slow
test-fast:
	$(PYTHON) -m pytest -q -m "$(FAST)"
