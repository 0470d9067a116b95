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
socket://, rfc2217://, pty -- otherwise QEMU is started per test; with
pytest-embedded active, its ``--port``/``--baud`` are used when ``--te-port``
is absent), ``--te-place``/``--te-coordinator``/``--te-lg-env`` (a labgrid
place), ``--te-runner renode`` (Renode instead of QEMU), ``--te-results FILE``
(every result of the session as JSON), ``--te-cache-dir``, ``--te-core-dir``.
With pytest-embedded and labgrid installed run with ``-p no:labgrid`` and use
``tinyengine_dut`` (both define ``dut``), see docs/HIL.md.
Fixtures: ``tinyengine_dut`` / ``dut`` (per test; ``dut`` only without pytest-embedded), ``tinyengine_dut_factory`` (make several),
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
    g.addoption("--te-runner", choices=("qemu", "renode"), default="qemu",
                help="emulator started per test when there is no port/place (default qemu)")
    g.addoption("--te-renode", default=None, help="renode executable (default $RENODE / PATH)")
    g.addoption("--te-place", default=None,
                help="labgrid place holding the target (serial from its NetworkSerialPort)")
    g.addoption("--te-coordinator", default=None,
                help="labgrid coordinator HOST:PORT (default $LG_COORDINATOR, 127.0.0.1:20408)")
    g.addoption("--te-lg-env", default=None,
                help="labgrid environment file for --te-place (flashing/power drivers)")
    g.addoption("--te-results", default=None, help="write every inference result as JSON here")
    g.addoption("--te-cache-dir", default=None, help="firmware build cache directory")
    g.addoption("--te-core-dir", default=None, help="PlatformIO core dir")
    g.addoption("--te-timeout", type=float, default=10.0, help="answer timeout in seconds")


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("pytest_embedded"):
        config.pluginmanager.register(_DutAlias(), "tinyengine_pio_dut_alias")
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


def _embedded_port(config, baud):
    """pytest-embedded's ``--port`` / ``--baud`` (serial service options), when that
    plugin is active and no --te-port/--te-place is given: the same command line then
    drives both plugins' fixtures.  (Only one of them may hold the port in a test:
    use ``tinyengine_dut`` or pytest-embedded's ``dut``/``serial``, not both.)"""
    try:
        port = config.getoption("port")
    except ValueError:              # pytest-embedded not active
        return None, baud
    if not isinstance(port, str) or not port or "|" in port:
        return None, baud
    try:
        embedded_baud = config.getoption("baud")
    except ValueError:
        embedded_baud = None
    return port, int(embedded_baud) if embedded_baud else baud


def _target(config, data: bytes, board: str, port, firmware):
    """The :data:`.targets.TARGETS` target the options name: the target already running at
    ``port`` (``--te-port``, else pytest-embedded's ``--port``), the board of ``--te-place``,
    or the ``--te-runner`` emulator (QEMU / Renode) started for this test."""
    from .targets import TARGETS
    port = port or config.getoption("te_port")
    baud = config.getoption("te_baud")
    place = config.getoption("te_place")
    if not port and not place:
        port, baud = _embedded_port(config, baud)
    if port:
        return TARGETS["serial"](port, baudrate=baud, firmware=firmware)
    if place:
        return TARGETS["labgrid"](place, coordinator=config.getoption("te_coordinator"),
                                  env_config=config.getoption("te_lg_env"), firmware=firmware)
    kind = config.getoption("te_runner")
    options = {"renode": config.getoption("te_renode")} if kind == "renode" else {}
    return TARGETS[kind](data, board, firmware=firmware, **options)


@pytest.fixture
def tinyengine_dut_factory(request, tinyengine_firmware):
    """``make(model, board=None, port=None) -> Dut``; every Dut is closed after the test."""
    from .dut import Dut
    config = request.config
    made = []

    def make(model, board=None, port=None):
        data, name = _read_model(model, [request.path.parent, os.getcwd(), config.rootpath])
        board = board or config.getoption("te_board")
        fw = tinyengine_firmware(data, board)
        target = _target(config, data, board, port, fw)
        d = Dut.attach(target, data, name, timeout=config.getoption("te_timeout"))
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


class _DutAlias:
    """The ``dut`` alias of ``tinyengine_dut``: registered only when pytest-embedded is
    not active, whose own ``dut`` fixture it would otherwise shadow (with both
    plugins active, tests use ``tinyengine_dut``)."""

    @pytest.fixture
    def dut(self, tinyengine_dut):
        return tinyengine_dut


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    path = session.config.getoption("te_results", None)
    if not path:
        return
    from .dut import RESULTS
    with open(path, "w", encoding="utf8") as fp:
        json.dump([r.to_dict() for r in RESULTS], fp, indent=1)
        fp.write("\n")
