"""The harness target interface without a target: the registry, the Target protocol, the one
QEMU command line, and Dut.attach's error path (close the target, quote its log)."""
from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from tests.helpers import opmodels
from tinyengine_pio.harness.dut import Dut
from tinyengine_pio.harness.errors import HarnessError, TargetDisconnected
from tinyengine_pio.harness.targets import (TARGETS, LabgridPlace, QemuTarget, RenodeTarget,
                                            SerialTarget, Target, TargetBase, ZephyrRunTarget,
                                            ZephyrTarget, free_port, make_target)
from tinyengine_pio.platformio import BOARDS_DIR
from tinyengine_pio.platformio.platform.builder.qemu_cmdline import qemu_command, serial_tcp


def test_registry_names_every_kind():
    assert sorted(TARGETS) == ["labgrid", "platformio", "qemu", "renode", "serial", "zephyr"]
    assert isinstance(make_target("serial", "socket://127.0.0.1:1"), SerialTarget)
    with pytest.raises(ValueError, match="unknown target kind 'jtag'"):
        make_target("jtag")


def test_every_target_class_is_a_target(tmp_path):
    made = [QemuTarget("/x/p.elf", "mps2-an386"), RenodeTarget("/x/p.elf", "mps2-an386"),
            SerialTarget("/dev/ttyACM0"), LabgridPlace("place-1"),
            ZephyrTarget(tmp_path, "/dev/ttyACM0"), ZephyrRunTarget(tmp_path)]
    for t in made:
        assert isinstance(t, Target) and isinstance(t, TargetBase), t
        assert t.describe() and t.log_text() == ""
    assert [t.describe() for t in made[:3]] == ["QEMU -icount shift=0", "Renode",
                                                "target at /dev/ttyACM0"]
    assert made[4].describe() == "Zephyr %s at /dev/ttyACM0" % tmp_path
    assert made[5].describe() == "Zephyr %s in QEMU (run target)" % tmp_path


@pytest.mark.parametrize("board", sorted(p.stem for p in Path(BOARDS_DIR).glob("*.json")))
def test_qemu_command_from_board_data(board):
    build = json.loads((Path(BOARDS_DIR) / (board + ".json")).read_text())["build"]
    argv = QemuTarget("/x/p.elf", board).command(4321)
    assert argv == qemu_command(build, "/x/p.elf", serial_tcp(4321))
    assert argv[:5] == ["qemu-system-arm", "-machine", build["qemu_machine"], "-cpu",
                        build["qemu_cpu"]]
    assert argv[-4:] == ["-serial", "tcp:127.0.0.1:4321,server=on,wait=on", "-kernel", "/x/p.elf"]
    assert "-icount" in argv and argv[argv.index("-icount") + 1] == "shift=0"
    assert qemu_command(build, "k.elf")[-4:] == ["-serial", "stdio", "-kernel", "k.elf"]


class _HangUp(TargetBase):
    """Accepts the harness's connection and closes it at once, with a log."""

    log_label = "FAKE"

    def __init__(self):
        self.closed = 0
        self.port = free_port()
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=lambda: self.server.accept()[0].close(), daemon=True).start()

    def start(self):
        self.transport = SerialTarget("socket://127.0.0.1:%d" % self.port).start()
        return self.transport

    def close(self):
        self.closed += 1
        self.close_transport()
        self.server.close()

    def log_text(self):
        return "booting\nthe fake target's last words\n"


def test_attach_closes_the_target_and_quotes_its_log():
    t = _HangUp()
    with pytest.raises(TargetDisconnected) as ei:
        Dut.attach(t, opmodels.fully_connected(), timeout=5)
    assert t.closed == 1
    assert str(ei.value).endswith("\nFAKE output: booting\nthe fake target's last words")


def test_attach_without_a_model_starts_nothing():
    class NoModel(SerialTarget):
        def start(self):
            raise AssertionError("started")
    with pytest.raises(HarnessError, match="no model for target at /dev/null"):
        Dut.attach(NoModel("/dev/null"))
