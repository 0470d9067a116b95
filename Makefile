# Two commands on a fresh machine:
#   make demo   - install, compile the sample model, build it with gcc and run it (report + output)
#   make test   - install the test dependencies and run the whole test suite
PYTHON ?= python3
MODEL ?= ../shared/models/kws_dscnn_int8.tflite

.PHONY: install demo test

install:
	$(PYTHON) -m pip install -q -e '.[test]'

demo: install
	$(PYTHON) -m tinyengine_pio run $(MODEL)

test: install
	$(PYTHON) -m pytest -q
