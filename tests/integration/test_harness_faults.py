"""Harness host side against misbehaving targets: a tiny fake device thread on a
real local TCP socket or a real pty -- no mocks of sockets, ptys or pyserial.

Every failure must be a specific error whose message says what was received.
"""
from __future__ import annotations

import os
import socket
import struct
import threading
import time
import zlib

import pytest

from tinyengine_pio.harness import protocol as P
from tinyengine_pio.harness.client import Client
from tinyengine_pio.harness.errors import (CrcError, ProtocolError, TargetDisconnected,
                                           TargetError, TargetReset, TargetTimeout)
from tinyengine_pio.harness.transport import open_transport

TIMEOUT = 1.5   # generous: CI runs QEMU tests beside these on 2 cores


def read_request(recv) -> tuple[int, bytes]:
    """Read one request frame from the host with ``recv(n)`` (device side)."""
    head = b""
    while len(head) < 8:
        chunk = recv(8 - len(head))
        if not chunk:
            raise EOFError
        head += chunk
    _, _, cmd, n = P.HEADER.unpack(head)
    rest = b""
    while len(rest) < n + 4:
        chunk = recv(n + 4 - len(rest))
        if not chunk:
            raise EOFError
        rest += chunk
    assert zlib.crc32(head + rest[:n]) == struct.unpack("<I", rest[n:])[0]
    return cmd, rest[:n]


class FakeSocketDevice:
    """Listens on 127.0.0.1:<free port>; ``script(conn)`` plays the device."""

    def __init__(self, script):
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.url = "socket://127.0.0.1:%d" % self.srv.getsockname()[1]
        self.script = script
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn, _ = self.srv.accept()
        try:
            self.script(conn)
        except (EOFError, OSError):
            pass
        finally:
            self.done.wait(5)
            conn.close()

    def close(self):
        self.done.set()
        self.thread.join(5)
        self.srv.close()


@pytest.fixture
def fake_socket():
    made = []

    def make(script, close_after_script=False):
        def wrapped(conn):
            script(conn)
            if close_after_script:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
                raise EOFError
        dev = FakeSocketDevice(wrapped)
        made.append(dev)
        t = open_transport(dev.url)
        made.append(t)
        return Client(t, timeout=TIMEOUT, invoke_timeout=TIMEOUT)
    yield make
    for m in reversed(made):
        m.close()


def hello_payload(unit=1) -> bytes:
    return (struct.pack("<BBBBII", 1, unit, 1, 1, 64, 25000000) + b"a" * 64 + b"b" * 64
            + struct.pack("<II", 8, 4) + b"\x04fake")


# ---- socket:// -------------------------------------------------------------

def test_socket_never_answers(fake_socket):
    client = fake_socket(lambda conn: read_request(conn.recv))
    t0 = time.monotonic()
    with pytest.raises(TargetTimeout) as e:
        client.hello()
    assert time.monotonic() - t0 < TIMEOUT + 1.0
    msg = str(e.value)
    assert "no complete frame from the target within 1.5 s" in msg
    assert "while waiting for the HELLO response" in msg
    assert "received nothing (0 bytes)" in msg


def test_socket_stops_mid_header(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(b"\xa5\x5a\x01")
    client = fake_socket(script)
    with pytest.raises(TargetTimeout) as e:
        client.hello()
    assert "expected the rest of the 8-byte header; received 3 bytes: a5 5a 01" in str(e.value)


def test_socket_garbage(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(b"Hello from a boot ROM\r\n")
    client = fake_socket(script)
    with pytest.raises(ProtocolError) as e:
        client.hello()
    msg = str(e.value)
    assert msg.startswith("garbage from the target while waiting for the HELLO response: "
                          "expected the frame magic A5 5A, received ")
    assert "48 65 6c 6c 6f" in msg and "'Hello from a boot ROM\\r\\n'" in msg


def test_socket_closes_mid_frame(fake_socket):
    def script(conn):
        read_request(conn.recv)
        frame = P.encode(P.HELLO | P.RESPONSE, hello_payload())
        conn.sendall(frame[:20])
    client = fake_socket(script, close_after_script=True)
    with pytest.raises(TargetDisconnected) as e:
        client.hello()
    msg = str(e.value)
    assert "target closed the connection in the middle of a frame while waiting for the HELLO " \
           "response: expected 153 payload bytes of a HELLO response frame" in msg
    assert "received 20 bytes: a5 5a 01 81 99 00 00 00" in msg


def test_socket_closes_before_answer(fake_socket):
    client = fake_socket(lambda conn: read_request(conn.recv), close_after_script=True)
    with pytest.raises(TargetDisconnected) as e:
        client.get_stats()
    assert "target closed the connection while waiting for the GET_STATS response" \
        in str(e.value)
    assert "received nothing (0 bytes)" in str(e.value)


def test_socket_wrong_crc(fake_socket):
    def script(conn):
        read_request(conn.recv)
        frame = bytearray(P.encode(P.HELLO | P.RESPONSE, hello_payload()))
        frame[-1] ^= 0xFF
        conn.sendall(bytes(frame))
    client = fake_socket(script)
    with pytest.raises(CrcError) as e:
        client.hello()
    good = zlib.crc32(P.encode(P.HELLO | P.RESPONSE, hello_payload())[:-4])
    msg = str(e.value)
    assert ("frame CRC mismatch in a HELLO response frame while waiting for the HELLO response: "
            "computed 0x%08x, the frame says 0x%08x" % (good, good ^ 0xFF000000)) in msg
    assert "received 165 bytes" in msg


def test_socket_output_tensor_crc(fake_socket):
    """A well-framed answer whose tensor does not match its own CRC-32."""
    def script(conn):
        read_request(conn.recv)
        data = bytes([1, 2, 3, 4])
        conn.sendall(P.encode(P.GET_OUTPUT | P.RESPONSE,
                              struct.pack("<BII", 0, zlib.crc32(data) ^ 1, 4) + data))
    client = fake_socket(script)
    with pytest.raises(CrcError) as e:
        client.get_output(0)
    assert "output 0 CRC-32 mismatch: target says 0x%08x, the 4 bytes received give 0x%08x" % (
        zlib.crc32(bytes([1, 2, 3, 4])) ^ 1, zlib.crc32(bytes([1, 2, 3, 4]))) in str(e.value)


def test_socket_reset_mid_run(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(P.encode(P.READY, b"\x01"))
    client = fake_socket(script)
    with pytest.raises(TargetReset) as e:
        client.invoke(5)
    assert str(e.value) == ("target reset (it sent READY) while waiting for the INVOKE response; "
                            "received 1 bytes: 01")


def test_socket_wrong_version_and_length(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(P.encode(P.HELLO | P.RESPONSE, b"", version=2))
    client = fake_socket(script)
    with pytest.raises(ProtocolError) as e:
        client.hello()
    assert "target speaks protocol version 2, the host speaks 1" in str(e.value)


def test_socket_implausible_length(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(P.HEADER.pack(P.MAGIC, 1, P.INVOKE | P.RESPONSE, 0xFFFFFFF0))
    client = fake_socket(script)
    with pytest.raises(ProtocolError) as e:
        client.invoke(1)
    assert "implausible frame length 4294967280" in str(e.value)
    assert "received 8 bytes: a5 5a 01 83 f0 ff ff ff" in str(e.value)


def test_socket_error_frame_and_ready_before_hello(fake_socket):
    """READY at boot is fine before HELLO; ERROR frames become TargetError."""
    def script(conn):
        conn.sendall(P.encode(P.READY, b"\x01"))
        read_request(conn.recv)
        conn.sendall(P.encode(P.HELLO | P.RESPONSE, hello_payload()))
        read_request(conn.recv)
        conn.sendall(P.encode(P.ERROR, bytes([6, P.INVOKE]) + b"input not set"))
    client = fake_socket(script)
    ident = client.hello()
    assert ident.board == "fake" and ident.latency_unit == "instructions"
    # pyserial's socket:// open() discards whatever arrived before it finished, so a READY sent
    # the instant the connection is accepted may or may not be seen; it must never break HELLO
    assert client.ready_seen in (0, 1)
    with pytest.raises(TargetError) as e:
        client.invoke(1)
    assert str(e.value).startswith("target rejected INVOKE: input not set (error 6: input not set)"
                                   "; received 15 bytes: 06 03 69 6e 70 75 74")


def test_socket_unknown_unit_is_not_invented(fake_socket):
    def script(conn):
        read_request(conn.recv)
        conn.sendall(P.encode(P.HELLO | P.RESPONSE, hello_payload(unit=9)))
    client = fake_socket(script)
    with pytest.raises(ProtocolError, match="HELLO: unknown latency unit code 9"):
        client.hello()


# ---- pty ---------------------------------------------------------------------

@pytest.fixture
def fake_pty():
    """(client, master_fd): the harness opens the pty's slave path like a serial port."""
    import tty
    master, slave = os.openpty()
    tty.setraw(slave)
    t = open_transport(os.ttyname(slave))
    os.close(slave)
    state = {"master": master}
    yield Client(t, timeout=TIMEOUT, invoke_timeout=TIMEOUT), state
    t.close()
    if state["master"] is not None:
        os.close(state["master"])


def _pty_read_request(fd):
    return read_request(lambda n: os.read(fd, n))


def test_pty_roundtrip_and_garbage(fake_pty):
    client, st = fake_pty
    fd = st["master"]

    def device():
        _pty_read_request(fd)
        os.write(fd, P.encode(P.HELLO | P.RESPONSE, hello_payload()))
        _pty_read_request(fd)
        os.write(fd, b"\x00\xff\x13garbage")
    th = threading.Thread(target=device, daemon=True)
    th.start()
    assert client.hello().input_bytes == [8]
    with pytest.raises(ProtocolError) as e:
        client.get_stats()
    assert ("garbage from the target while waiting for the GET_STATS response: expected the "
            "frame magic A5 5A, received 10 bytes: 00 ff 13 67 61 72 62 61 67 65") in str(e.value)
    th.join(2)


def test_pty_never_answers(fake_pty):
    client, st = fake_pty
    th = threading.Thread(target=_pty_read_request, args=(st["master"],), daemon=True)
    th.start()
    with pytest.raises(TargetTimeout) as e:
        client.invoke(1)
    assert "no complete frame from the target within 1.5 s while waiting for the INVOKE " \
           "response" in str(e.value)
    th.join(2)


def test_pty_hangup_mid_frame(fake_pty):
    client, st = fake_pty
    fd = st["master"]

    def device():
        _pty_read_request(fd)
        os.write(fd, P.encode(P.GET_STATS | P.RESPONSE, bytes(73))[:12])
        time.sleep(0.1)
        os.close(fd)
        st["master"] = None
    th = threading.Thread(target=device, daemon=True)
    th.start()
    with pytest.raises(TargetDisconnected) as e:
        client.get_stats()
    msg = str(e.value)
    assert "target closed the connection in the middle of a frame while waiting for the " \
           "GET_STATS response" in msg
    assert "received 12 bytes: a5 5a 01 85 49 00 00 00 00 00 00 00" in msg
    th.join(2)


# ---- protocol unit checks --------------------------------------------------------

def test_frame_layout_and_crc():
    f = P.encode(P.INVOKE, struct.pack("<I", 7))
    assert f[:8] == bytes([0xA5, 0x5A, 1, 3, 4, 0, 0, 0])
    assert f[8:12] == b"\x07\x00\x00\x00"
    assert struct.unpack("<I", f[12:])[0] == zlib.crc32(f[:12])
    assert len(f) == 16
