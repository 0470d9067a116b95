"""Byte transports to a target: serial port, ``socket://host:port``, pty.

All go through pyserial's ``serial_for_url``:

* a serial port: ``/dev/ttyACM0``, ``COM3`` (``baudrate`` applies);
* ``socket://127.0.0.1:4321``: QEMU ``-serial tcp:...``, Renode's
  ``emulation CreateServerSocketTerminal`` (raw TCP, no telnet negotiation);
* a pty: the slave path (``/dev/pts/7``) of QEMU ``-serial pty`` or of a
  Renode ``CreateUartPtyTerminal``; opened like a serial port.

A closed connection (socket EOF, hung-up pty) is reported as ``eof`` -- the
frame reader turns it into TargetDisconnected with the bytes received.
"""
from __future__ import annotations

import time

import serial

from .errors import HarnessError, TargetDisconnected


class Transport:
    """Blocking reads with a deadline over a pyserial port object."""

    def __init__(self, port: serial.SerialBase, url: str):
        self.port = port
        self.url = url
        self.eof = False
        self.received = 0
        self._pushback = b""

    # -- reading --------------------------------------------------------
    def unread(self, data: bytes) -> None:
        """Put bytes back: the next reads return them first."""
        self._pushback = bytes(data) + self._pushback

    def _read(self, n: int, timeout: float) -> bytes:
        if self._pushback:
            data, self._pushback = self._pushback[:n], self._pushback[n:]
            return data
        if self.eof:
            return b""
        self.port.timeout = max(0.0, timeout)
        try:
            # One blocking byte, then only what is already buffered: pyserial's
            # read(n) drops what it had collected when the peer disconnects.
            data = self.port.read(1)
            if data and n > 1:
                waiting = self.port.in_waiting
                if waiting:
                    data += self.port.read(min(waiting, n - 1))
        except serial.SerialException as exc:
            # pyserial: "socket disconnected" (socket://) or "device reports readiness
            # to read but returned no data (device disconnected...)" (tty/pty)
            self.eof = True
            self.eof_reason = str(exc)
            return b""
        except OSError as exc:  # EIO on a pty whose other side is gone
            self.eof = True
            self.eof_reason = str(exc)
            return b""
        self.received += len(data)
        return data

    def read_exact(self, n: int, deadline: float) -> bytes:
        """Up to ``n`` bytes; fewer only on timeout or EOF (see ``eof``)."""
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            chunk = self._read(n - len(buf), min(left, 0.5))
            if chunk:
                buf.extend(chunk)
            elif self.eof:
                break
        return bytes(buf)

    def read_available(self, n: int, wait: float = 0.05) -> bytes:
        """Whatever arrives within ``wait`` seconds (for error messages)."""
        return self.read_exact(n, time.monotonic() + wait)

    # -- writing --------------------------------------------------------
    def write(self, data: bytes) -> None:
        if self.eof:
            raise TargetDisconnected("cannot send to the target: the connection is closed (%s)"
                                     % getattr(self, "eof_reason", "EOF"))
        try:
            self.port.write(data)
            self.port.flush()
        except (serial.SerialException, OSError) as exc:
            self.eof = True
            raise TargetDisconnected("cannot send to the target at %s: %s" % (self.url, exc)) \
                from exc

    def reset_input(self) -> None:
        try:
            self.port.reset_input_buffer()
        except (serial.SerialException, OSError):
            pass

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # pylint: disable=broad-except
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_transport(url: str, baudrate: int = 115200, connect_timeout: float = 5.0) -> Transport:
    """Open ``url`` (device path, ``socket://host:port``, pty path).

    ``socket://`` connections are retried until ``connect_timeout`` (the
    emulator may still be starting).
    """
    deadline = time.monotonic() + connect_timeout
    last = None
    while True:
        try:
            port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.1,
                                         do_not_open=False)
            return Transport(port, url)
        except (serial.SerialException, OSError, ValueError) as exc:
            last = exc
        if not url.startswith("socket://") or time.monotonic() >= deadline:
            raise HarnessError("cannot open the target connection %s: %s" % (url, last))
        time.sleep(0.05)
