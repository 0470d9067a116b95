"""The harness through a labgrid place, for real, on 127.0.0.1.

A ``labgrid-coordinator`` runs for this module.  Per test,
an exporter exports a fresh QEMU board's UART (``-serial pty``) as a
``RawSerialPort``; labgrid
serves it with Debian's ``ser2net`` (RFC 2217) and publishes it as a
``NetworkSerialPort``.  The tests create a place matching that resource, then
the harness acquires the place, runs through it and releases it -- through the
Python API (``Dut.labgrid``) and ``tinyengine-pio bench --place``.
labgrid's pytest plugin stays disabled (``-p no:labgrid``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.errors import HarnessError
from tinyengine_pio.harness.firmware import build_firmware, have_toolchain
from tinyengine_pio.harness.targets import free_port

labgrid = pytest.importorskip("labgrid", reason="labgrid is not installed (pip install labgrid)")

BOARD = "mps2-an386"
MISSING = [t for t in ("labgrid-coordinator", "labgrid-exporter", "labgrid-client", "ser2net",
                       "qemu-system-arm") if shutil.which(t) is None]
pytestmark = [
    pytest.mark.skipif(bool(MISSING), reason="labgrid loopback needs: " + ", ".join(MISSING)
                       + " (pip install labgrid; apt-get install ser2net qemu-system-arm)"),
    pytest.mark.skipif(bool(have_toolchain()),
                       reason="harness tests need: " + ", ".join(have_toolchain())),
    pytest.mark.qemu, pytest.mark.platformio,   # every test uses the lab: QEMU behind ser2net
]


def _wait(pred, timeout, what, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s%s" % (
        what, "" if log is None else "; log: " + open(log, errors="replace").read()[-3000:]))


def _stop(proc, timeout=5.0):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


class Lab:
    """coordinator + exporter (+ ser2net, started by the exporter) + a QEMU board."""

    def __init__(self, root, elf):
        self.root = str(root)
        self.elf = elf
        self.port = free_port()
        self.coordinator = "127.0.0.1:%d" % self.port
        self.exporter_name = None
        self.procs = {}
        self.qemu = None

    def env(self):
        return dict(os.environ, LG_COORDINATOR=self.coordinator)

    def client(self, *args, place=None, check=True):
        cmd = ["labgrid-client", "-x", self.coordinator] + (["-p", place] if place else [])
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30,
                           env=self.env(), stdin=subprocess.DEVNULL, check=False)
        if check:
            assert r.returncode == 0, (args, r.stdout, r.stderr)
        return r

    def _spawn(self, name, cmd):
        log = os.path.join(self.root, name + ".log")
        self.procs[name] = subprocess.Popen(cmd, cwd=self.root, env=self.env(),
                                            stdin=subprocess.DEVNULL, stdout=open(log, "wb"),
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return log

    def start_board(self):
        """A fresh QEMU board (the harness ends it with EXIT) and an exporter for its pty:
        labgrid exports only /dev/ paths, so each board gets its own exporter."""
        self.stop_board()
        log = os.path.join(self.root, "qemu.log")
        self.qemu = subprocess.Popen(
            ["qemu-system-arm", "-machine", "mps2-an386", "-cpu", "cortex-m4", "-nographic",
             "-monitor", "none", "-semihosting-config", "enable=on,target=native",
             "-icount", "shift=0", "-serial", "pty", "-kernel", self.elf],
            stdin=subprocess.DEVNULL, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        pts = []
        _wait(lambda: pts.extend(re.findall(r"/dev/pts/\d+", open(log).read())) or pts, 10,
              "QEMU's pty", log)
        self.exporter_name = "te-lab-%s" % uuid.uuid4().hex[:6]
        with open(os.path.join(self.root, "exporter.yaml"), "w") as fp:
            fp.write("mps2:\n  RawSerialPort:\n    port: %s\n    speed: 115200\n" % pts[0])
        elog = self._spawn("exporter", ["labgrid-exporter", "-c", self.coordinator,
                                        "-n", self.exporter_name, "--hostname", "127.0.0.1",
                                        "exporter.yaml"])
        _wait(lambda: self.exporter_name in self.client("resources", check=False).stdout, 20,
              "the exporter's resources", elog)

    def stop_board(self):
        if self.qemu is not None:
            _stop(self.qemu)
        if "exporter" in self.procs:
            _stop(self.procs.pop("exporter"))   # the exporter ends its ser2net

    def start(self):
        clog = self._spawn("coordinator", ["labgrid-coordinator", "-l", self.coordinator])
        _wait(lambda: "Coordinator ready" in open(clog, errors="replace").read(), 20,
              "labgrid-coordinator", clog)

    def make_place(self):
        name = "te-%s" % uuid.uuid4().hex[:8]
        self.client("create", place=name)
        self.client("add-match", "%s/mps2/*" % self.exporter_name, place=name)
        return name

    def stop(self):
        self.stop_board()
        if "coordinator" in self.procs:
            _stop(self.procs.pop("coordinator"))


@pytest.fixture(scope="module")
def model():
    return opmodels.fully_connected(in_features=32, out_features=10)


@pytest.fixture(scope="module")
def fw(model, tmp_path_factory):
    return build_firmware(model, BOARD, core_dir=str(tmp_path_factory.mktemp("lg_core")),
                          cache_dir=str(tmp_path_factory.mktemp("lg_cache")))


@pytest.fixture(scope="module")
def lab(tmp_path_factory, fw):
    lab = Lab(tmp_path_factory.mktemp("lab"), fw.elf)
    try:
        lab.start()
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def place(lab):
    lab.start_board()
    name = lab.make_place()
    yield name
    lab.client("delete", place=name, check=False)
    lab.stop_board()


def _acquired_by(lab, place):
    out = lab.client("show", place=place).stdout
    return re.search(r"acquired: (\S+)", out).group(1)


def test_place_serial_port_is_ser2net_rfc2217(lab, place):
    from tinyengine_pio.harness.targets import LabgridPlace
    lp = LabgridPlace(place, coordinator=lab.coordinator)
    lp.start()
    try:
        assert lp.acquired and _acquired_by(lab, place) != "None"
        assert re.fullmatch(r"rfc2217://127\.0\.0\.1:\d+\?ign_set_control", lp.url), lp.url
        assert lp.resource.protocol == "rfc2217" and lp.baudrate == 115200
        assert not lp.has_driver("BootstrapProtocol")
        with pytest.raises(HarnessError, match="no PowerProtocol driver"):
            lp.power_cycle()
    finally:
        lp.close()
    assert _acquired_by(lab, place) == "None"


def test_dut_through_place(lab, place, model, fw):
    from tinyengine_pio.harness.dut import Dut
    d = Dut.labgrid(place, model, coordinator=lab.coordinator, firmware=fw, timeout=10)
    try:
        assert d.identity.board == BOARD
        r = d.infer(seed=4, runs=3)
        assert r.matches_reference and r.runs == 3 and r.latency_unit == "instructions"
        assert r.flash_bytes == fw.sizes["flash_bytes"]
        assert _acquired_by(lab, place) != "None"
    finally:
        d.close()
    assert _acquired_by(lab, place) == "None"         # released
    assert lab.qemu.wait(timeout=10) == 0             # EXIT reached the board


def test_bench_cli_place(lab, place, tmp_path, fw, model):
    from tinyengine_pio.harness import cli
    m = tmp_path / "fc.tflite"
    m.write_bytes(model)
    out = tmp_path / "r.json"
    rc = cli.main([str(m), "--place", place, "--coordinator", lab.coordinator, "--runs", "2",
                   "--cache-dir", os.path.dirname(os.path.dirname(os.path.dirname(
                       os.path.dirname(fw.elf)))),
                   "--output", str(out), "-q"])
    assert rc == 0
    data = json.loads(out.read_text())
    assert data["matches_reference"] and data["runs"] == 2 and data["board"] == BOARD
    assert _acquired_by(lab, place) == "None"


def test_place_held_by_someone_else_is_refused(lab, place, model):
    from tinyengine_pio.harness.dut import Dut
    r = subprocess.run(["labgrid-client", "-x", lab.coordinator, "-p", place, "acquire"],
                       capture_output=True, text=True, timeout=30,
                       env=dict(lab.env(), LG_HOSTNAME="otherhost", LG_USERNAME="alice"))
    assert r.returncode == 0, r.stderr
    try:
        with pytest.raises(HarnessError, match="cannot acquire labgrid place .*already acquired"):
            Dut.labgrid(place, model, coordinator=lab.coordinator, timeout=5)
    finally:
        subprocess.run(["labgrid-client", "-x", lab.coordinator, "-p", place, "release",
                        "--kick"], capture_output=True, timeout=30, env=lab.env())


def test_unknown_place(lab, model):
    from tinyengine_pio.harness.dut import Dut
    with pytest.raises(HarnessError, match="cannot acquire labgrid place 'no-such-place'"):
        Dut.labgrid("no-such-place", model, coordinator=lab.coordinator)
