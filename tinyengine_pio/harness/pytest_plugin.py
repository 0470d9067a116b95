"""pytest plugin: hardware-in-the-loop fixtures for compiled models.

Enable with ``-p tinyengine_pio.harness.pytest_plugin`` (or the ``pytest11``
entry point ``tinyengine_pio`` once installed).  A test then reads::

    @pytest.mark.tinyengine_model("models/kws.tflite")
    def test_kws(dut):
        result = dut.infer(x)                      # x: the input tensor (None: seeded random)
        assert result.matches_reference            # byte-exact vs TFLM
        assert result.peak_sram_bytes < 128 * 1024
        assert result.latency_unit == "instructions"

Options: ``--te-model`` (model when there is no marker), ``--te-board``
(default mps2-an386), ``--te-port`` (an already running target: serial port,
socket://, pty -- otherwise QEMU is started per test), ``--te-results FILE``
(every result of the session as JSON), ``--te-cache-dir``, ``--te-core-dir``.
Fixtures: ``tinyengine_dut`` / ``dut`` (per test), ``tinyengine_dut_factory`` (make several),
``tinyengine_firmware`` (session-cached builds).
"""
from __future__ import annotations

import json
import os

import pytest


def pytest_addoption(parser):
    g = parser.getgroup("tinyengine", "tinyengine-pio hardware-in-the-loop")
    g.addoption("--te-model", default=None, help="model for the `dut` fixture without a marker")
    g.addoption("--te-board", default="mps2-an386", help="board (default mps2-an386)")
    g.addoption("--te-port", default=None,
                help="use the target already running at this serial port / socket:// / pty "
                     "instead of starting QEMU")
    g.addoption("--te-baud", type=int, default=115200, help="baud rate for --te-port")
    g.addoption("--te-results", default=None, help="write every inference result as JSON here")
    g.addoption("--te-cache-dir", default=None, help="firmware build cache directory")
    g.addoption("--te-core-dir", default=None, help="PlatformIO core dir")
    g.addoption("--te-timeout", type=float, default=10.0, help="answer timeout in seconds")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "tinyengine_model(path, board=None): the model (and board) the `dut` "
        "fixture runs")


class _Firmwares:
    def __init__(self, config):
        self.config = config
        self.cache = {}

    def __call__(self, model: bytes, board: str):
        from .firmware import build_firmware
        import hashlib
        key = (hashlib.sha256(model).hexdigest(), board)
        if key not in self.cache:
            self.cache[key] = build_firmware(
                model, board, cache_dir=self.config.getoption("te_cache_dir"),
                core_dir=self.config.getoption("te_core_dir"))
        return self.cache[key]


@pytest.fixture(scope="session")
def tinyengine_firmware(pytestconfig):
    """``tinyengine_firmware(model_bytes, board) -> Firmware`` (built once per session)."""
    return _Firmwares(pytestconfig)


def _read_model(model, bases) -> tuple[bytes, str]:
    """Bytes, or a path: absolute, or relative to the test file's directory, the current
    directory or the rootdir (first that exists)."""
    if isinstance(model, (bytes, bytearray)):
        return bytes(model), "model.tflite"
    path = os.fspath(model)
    if not os.path.isabs(path):
        for base in bases:
            cand = os.path.join(str(base), path)
            if os.path.exists(cand):
                path = cand
                break
    with open(path, "rb") as fp:
        return fp.read(), os.path.basename(path)


@pytest.fixture
def tinyengine_dut_factory(request, tinyengine_firmware):
    """``make(model, board=None, port=None) -> Dut``; every Dut is closed after the test."""
    from .dut import Dut
    config = request.config
    made = []

    def make(model, board=None, port=None):
        data, name = _read_model(model, [request.path.parent, os.getcwd(), config.rootpath])
        board = board or config.getoption("te_board")
        port = port or config.getoption("te_port")
        fw = tinyengine_firmware(data, board)
        timeout = config.getoption("te_timeout")
        if port:
            d = Dut.connect(port, data, name=name, baudrate=config.getoption("te_baud"),
                            timeout=timeout, firmware=fw)
        else:
            d = Dut.qemu(data, board, name=name, firmware=fw, timeout=timeout)
        d.label = request.node.nodeid
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


@pytest.fixture
def tinyengine_dut(request, tinyengine_dut_factory):
    """The target running the model of the ``tinyengine_model`` marker (or ``--te-model``)."""
    m = request.node.get_closest_marker("tinyengine_model")
    if m is not None:
        model = m.args[0] if m.args else m.kwargs["path"]
        board = m.kwargs.get("board")
    else:
        model = request.config.getoption("te_model")
        board = None
        if not model:
            pytest.skip("no model: mark the test with @pytest.mark.tinyengine_model(path) "
                        "or pass --te-model")
    return tinyengine_dut_factory(model, board=board)


@pytest.fixture
def dut(tinyengine_dut):
    """Alias of ``tinyengine_dut`` (pytest-embedded also has a ``dut`` fixture: with both
    plugins active, use ``tinyengine_dut``)."""
    return tinyengine_dut


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    path = session.config.getoption("te_results", None)
    if not path:
        return
    from .dut import RESULTS
    with open(path, "w", encoding="utf8") as fp:
        json.dump([r.to_dict() for r in RESULTS], fp, indent=1)
        fp.write("\n")
