"""A target that already runs the harness firmware: a serial port, ``socket://``, rfc2217://
or pty URL (see :mod:`..transport`)."""
from __future__ import annotations

from ..transport import Transport, open_transport
from .base import TargetBase


class SerialTarget(TargetBase):
    """``start()`` opens ``url`` (nothing is flashed or started); ``firmware``, when given,
    only supplies the ELF's figures (flash size, per-layer mode)."""

    def __init__(self, url: str, baudrate: int = 115200, firmware=None,
                 source_name: str = "model.tflite"):
        self.url = url
        self.baudrate = baudrate
        self.firmware = firmware
        self.source_name = source_name
        self.transport: Transport | None = None

    def start(self) -> Transport:
        self.transport = open_transport(self.url, baudrate=self.baudrate)
        return self.transport

    def close(self) -> None:
        self.close_transport()

    def describe(self) -> str:
        return "target at %s" % self.url

