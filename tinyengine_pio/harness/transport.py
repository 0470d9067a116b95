"""Byte transports to a target: serial port, ``socket://host:port``, pty.

All go through pyserial's ``serial_for_url``:

* a serial port: ``/dev/ttyACM0``, ``COM3`` (``baudrate`` applies);
* ``socket://127.0.0.1:4321``: QEMU ``-serial tcp:...``, Renode's
  ``emulation CreateServerSocketTerminal`` (raw TCP, no telnet negotiation);
* a pty: the slave path (``/dev/pts/7``) of QEMU ``-serial pty`` or of a
  Renode ``CreateUartPtyTerminal``; opened like a serial port.

A closed connection (socket EOF, hung-up pty) is reported as ``eof`` -- the
frame reader turns it into TargetDisconnected with the bytes received.  Every
OS, pyserial or termios error of an I/O call (a hung-up pty raises
``termios.error`` from ``tcdrain``/``tcsetattr``, which is no OSError) counts
as such a disconnection: nothing from the port escapes as anything but a
harness error.
"""
from __future__ import annotations

import time

import serial

from .errors import HarnessError, TargetDisconnected, hexdump

try:
    from termios import error as _TermiosError
except ImportError:  # Windows: no termios
    class _TermiosError(Exception):
        """Never raised."""

# what a dead port raises: pyserial's own errors, OSError (EIO on a pty whose other side is
# gone, ECONNRESET...), termios.error (tcdrain / tcsetattr on a hung-up pty)
PORT_ERRORS = (serial.SerialException, OSError, _TermiosError)
RECENT = 64   # bytes of the most recent input kept for error messages


class Transport:
    """Blocking reads with a deadline over a pyserial port object."""

    def __init__(self, port: serial.SerialBase, url: str):
        self.port = port
        self.url = url
        self.eof = False
        self.eof_reason = ""
        self.received = 0
        self.recent = b""        # the last RECENT bytes read from the port
        self._pushback = b""

    @property
    def bytes_per_second(self) -> float | None:
        """The line rate when the transport has one (a serial port or a pty: baudrate / 10,
        8N1), None for a network connection (socket://), whose speed is unknown."""
        if "://" in self.url and not self.url.startswith("rfc2217://"):
            return None
        baud = getattr(self.port, "baudrate", None)
        return baud / 10.0 if isinstance(baud, (int, float)) and baud > 0 else None

    def _gone(self, exc: BaseException) -> None:
        self.eof = True
        mod = type(exc).__module__.split(".")[0]
        self.eof_reason = "%s%s: %s" % ("" if mod == "builtins" else mod + ".",
                                        type(exc).__name__, exc)

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
        try:
            # setting the timeout reconfigures a tty (tcsetattr): it fails on a hung-up pty
            self.port.timeout = max(0.0, timeout)
            # One blocking byte, then only what is already buffered: pyserial's
            # read(n) drops what it had collected when the peer disconnects.
            data = self.port.read(1)
            if data and n > 1:
                waiting = self.port.in_waiting
                if waiting and self.url.startswith("socket://"):
                    # a socket's in_waiting is 0 or 1 (readable or not): take what is there
                    # with one non-blocking recv instead of two bytes per call
                    self.port.timeout = 0
                    data += self.port.read(n - 1)
                elif waiting:
                    data += self.port.read(min(waiting, n - 1))
        except PORT_ERRORS as exc:
            # pyserial: "socket disconnected" (socket://) or "device reports readiness
            # to read but returned no data (device disconnected...)" (tty/pty); EIO; termios
            self._gone(exc)
            return b""
        self.received += len(data)
        self.recent = (self.recent + data)[-RECENT:]
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

    def read_some(self, n: int, deadline: float) -> bytes:
        """1 to ``n`` bytes, as soon as there are some; b"" only on timeout or EOF."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.eof and not self._pushback:
                return b""
            chunk = self._read(n, min(left, 0.5))
            if chunk:
                return chunk

    def read_available(self, n: int, wait: float = 0.05) -> bytes:
        """Whatever arrives within ``wait`` seconds (for error messages)."""
        return self.read_exact(n, time.monotonic() + wait)

    # -- writing --------------------------------------------------------
    def _disconnected(self, what: str) -> TargetDisconnected:
        return TargetDisconnected("cannot %s the target at %s: the connection is closed (%s); "
                                  "last received %s" % (what, self.url, self.eof_reason or "EOF",
                                                         hexdump(self.recent)))

    def write(self, data: bytes) -> None:
        if self.eof:
            raise self._disconnected("send to")
        try:
            self.port.write(data)
            self.port.flush()    # tcdrain on a tty: termios.error once the pty hung up
        except PORT_ERRORS as exc:
            self._gone(exc)
            raise self._disconnected("send to") from exc

    def reset_input(self) -> None:
        """Drop what has arrived and not been read (boot output before the port was opened)."""
        self._pushback = b""
        if self.eof:
            return
        try:
            self.port.reset_input_buffer()
        except PORT_ERRORS as exc:
            self._gone(exc)
            raise self._disconnected("reset the input from") from exc

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
        except PORT_ERRORS + (ValueError,) as exc:
            last = exc
        if not url.startswith("socket://") or time.monotonic() >= deadline:
            raise HarnessError("cannot open the target connection %s: %s" % (url, last))
        time.sleep(0.05)
