"""Harness targets: what runs the firmware and serves the harness protocol.

Every target is a :class:`.base.Target` -- ``start() -> Transport``, ``close()``,
``log_text()``, ``describe()`` -- and :class:`..dut.Dut` needs nothing else
(``Dut.attach(target, model)``).  One module per kind:

==============  ==========================================  =============================
kind            module                                      target class
==============  ==========================================  =============================
``qemu``        :mod:`.qemu` (board data: platform builder  :class:`.qemu.QemuTarget`
                ``qemu_cmdline.py``)
``renode``      :mod:`.renode` (generated .repl / .resc)    :class:`.renode.RenodeTarget`
``serial``      :mod:`.serial_port` (already running)       :class:`.serial_port.SerialTarget`
``labgrid``     :mod:`.labgrid_place`                       :class:`.labgrid_place.LabgridPlace`
``platformio``  :mod:`.pio_project` (``pio run -t upload``)  :class:`.pio_project.PioTarget`
``zephyr``      :mod:`.zephyr_build` (``west flash`` /      :class:`.zephyr_build.ZephyrTarget`,
                QEMU run target)                            :class:`.zephyr_build.ZephyrRunTarget`
==============  ==========================================  =============================

:data:`TARGETS` maps the kind to the factory that makes one (``TARGETS["qemu"](model,
board)`` builds the firmware, ``TARGETS["serial"](url)`` only remembers the URL); nothing
runs before ``start()``.  :mod:`.base` has the process plumbing (spawn with a log, a free
local port, connect with retry, end a process).
"""
from __future__ import annotations

from .base import (EmulatorTarget, ProcessTarget, Target, TargetBase, connect_with_retry,
                   end_process, free_port)
from .labgrid_place import LabgridPlace, labgrid_target
from .pio_project import PioTarget, platformio_target
from .qemu import QemuTarget, qemu_target
from .renode import RenodeTarget, renode_target
from .serial_port import SerialTarget
from .zephyr_build import ZephyrRunTarget, ZephyrTarget, zephyr_target

TARGETS = {
    "qemu": qemu_target,
    "renode": renode_target,
    "serial": SerialTarget,
    "labgrid": labgrid_target,
    "platformio": platformio_target,
    "zephyr": zephyr_target,
}


def make_target(kind: str, *args, **kwargs) -> Target:
    """``TARGETS[kind](*args, **kwargs)``; ValueError for an unknown kind."""
    try:
        factory = TARGETS[kind]
    except KeyError:
        raise ValueError("unknown target kind %r (known: %s)"
                         % (kind, ", ".join(sorted(TARGETS)))) from None
    return factory(*args, **kwargs)


__all__ = ["TARGETS", "make_target", "Target", "TargetBase", "ProcessTarget", "EmulatorTarget",
           "free_port", "connect_with_retry", "end_process", "QemuTarget", "RenodeTarget",
           "SerialTarget", "LabgridPlace", "PioTarget", "ZephyrTarget", "ZephyrRunTarget"]
