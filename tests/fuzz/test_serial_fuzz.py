"""The host serial client against hostile devices (issue 16).

The fuzzer (tinyengine_pio/fuzz/serial.py) runs the real Dut/Client against a fake device
thread on real 127.0.0.1 sockets and real ptys; the regression tests below pin each fix it
led to with one hand-made case (each fails on the client before the fix).
"""
from __future__ import annotations

import os
import struct
import threading
import time
from pathlib import Path

import pytest

from tinyengine_pio.fuzz import serial as fuzz
from tinyengine_pio.harness import protocol as P
from tinyengine_pio.harness.client import Client
from tinyengine_pio.harness.dut import Dut
from tinyengine_pio.harness.errors import (
    HarnessError,
    ProtocolError,
    TargetDisconnected,
    TargetTimeout,
)
from tinyengine_pio.harness.fake_device import DeviceSpec, FakeDevice, Reply, Round
from tinyengine_pio.harness.transport import open_transport

CORPUS = Path(__file__).parent / "corpus" / "serial"
TIMEOUT = 0.5
OUT = bytes(range(12))          # the sample model's output is 12 int8


@pytest.fixture(scope="module")
def ctx():
    if not fuzz.DEFAULT_MODEL.exists():
        pytest.skip("no %s" % fuzz.DEFAULT_MODEL)
    return fuzz.Context.load(timeout=0.3)


@pytest.fixture
def device(ctx):
    """device(damage, transport='socket', baudrate=115200) -> (FakeDevice, Transport)."""
    made = []

    def make(damage=None, transport="socket", baudrate=115200):
        spec = DeviceSpec.for_model(ctx.model, ctx.cm, [Round([OUT], [1000, 1200, 900])])
        dev = FakeDevice(spec, damage)
        made.append(dev)
        if transport == "pty":
            path, slave = dev.start_pty()
            t = open_transport(path, baudrate=baudrate)
            os.close(slave)
        else:
            t = open_transport(dev.start_socket())
        made.append(t)
        return dev, t
    yield make
    for m in reversed(made):
        m.close()


def only(k_wanted, make):
    """A damage hook that replaces answer ``k_wanted`` with ``make(cmd, frame) -> Reply``."""
    return lambda k, cmd, frame: make(cmd, frame) if k == k_wanted else Reply(frame)


def edit(fmt, off, *vals):
    """Answer with the payload changed at ``off`` (CRC recomputed: a well-formed frame)."""
    def make(cmd, frame):
        p = bytearray(frame[8:-4])
        struct.pack_into(fmt, p, off, *vals)
        return Reply(P.encode(frame[3], bytes(p)))
    return make


# ---- the fuzzer ----------------------------------------------------------------------------

@pytest.mark.slow
def test_fuzz_500_sessions(ctx):
    t0 = time.monotonic()
    report = fuzz.run(seed=16, sessions=500, ctx=ctx, jobs=16)
    took = time.monotonic() - t0
    print("\n" + report.table())
    assert not report.bad(), "\n".join("%s %s: %s" % (r.outcome, r.plan, r.message)
                                       for r in report.bad()[:10])
    counts = report.counts()
    assert counts["ok"] + counts["named_error"] == 500
    assert counts["ok"] >= 40 and counts["named_error"] >= 300      # both really happen
    assert {r.plan.transport for r in report.results} == {"socket", "pty"}
    assert took < 120


def test_fuzz_is_deterministic_and_cli(ctx, tmp_path, capsys):
    a = [fuzz.make_plan(5, i, 1, 1) for i in range(50)]
    assert a == [fuzz.make_plan(5, i, 1, 1) for i in range(50)]
    assert len({p.mutation.kind for p in a}) > 10
    rc = fuzz.main(["--seed", "5", "--sessions", "24", "--json", "--corpus", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0 and '"sessions": 24' in out and not list(tmp_path.iterdir())


def test_corpus_case_roundtrip(ctx, tmp_path):
    plan = fuzz.make_plan(7, 3, 1, 1)
    res = fuzz.run_session(plan, ctx)
    path = fuzz.save_case(res, tmp_path)
    again = fuzz.replay(path, ctx)
    assert again.outcome == res.outcome and again.plan == res.plan


def test_corpus_replays(ctx):
    """Every saved bad case (none so far) now ends ok or in a named error."""
    for case in sorted(CORPUS.glob("*.json")):
        res = fuzz.replay(case, ctx)
        assert res.outcome in fuzz.GOOD, "%s: %s %s" % (case.name, res.outcome, res.message)


# ---- 1. a self-consistent GET_OUTPUT of the wrong size ------------------------------------

def test_output_of_wrong_size_is_a_protocol_error(ctx, device):
    data = bytes(range(0xA0, 0xA5))
    sets = 1 + 1 + 1   # HELLO, SET_INPUT, INVOKE: answer 3 is GET_OUTPUT's
    _, t = device(only(sets, lambda cmd, frame: Reply(P.encode(
        P.GET_OUTPUT | P.RESPONSE, struct.pack("<BII", 0, P.crc32(data), 5) + data))))
    d = Dut(Client(t, TIMEOUT, TIMEOUT), ctx.model)
    with pytest.raises(ProtocolError) as e:
        d.infer(reference=False)
    msg = str(e.value)
    assert "holds 5 bytes, the model's output 0 has 12" in msg
    assert "received 14 bytes: 00 " in msg and "05 00 00 00 a0 a1 a2 a3 a4" in msg


def test_output_size_checked_by_the_dut_too(ctx, device):
    """Identity not checked (it claims 5-byte outputs): the Dut still refuses to reshape."""
    data = bytes(5)

    def lie(k, cmd, frame):
        if cmd == P.HELLO:
            p = bytearray(frame[8:-4])
            struct.pack_into("<I", p, 140 + 4, 5)       # 1 input size, then the output size
            return Reply(P.encode(frame[3], bytes(p)))
        if cmd == P.GET_OUTPUT:
            return Reply(P.encode(frame[3], struct.pack("<BII", 0, P.crc32(data), 5) + data))
        return Reply(frame)
    _, t = device(lie)
    d = Dut(Client(t, TIMEOUT, TIMEOUT), ctx.model, check_identity=False)
    with pytest.raises(ProtocolError, match=r"output 0: the target sent 5 bytes, the model's "
                                            r"output \(int8 \[1, 12\]\) has 12; received 5 bytes"):
        d.infer(reference=False)


# ---- 2. a pty hang-up is TargetDisconnected on every I/O path ------------------------------

@pytest.fixture
def hung_up_pty(device):
    """A pty transport whose device answered HELLO, then hung up (master closed)."""
    dev, t = device(transport="pty")
    Client(t, TIMEOUT, TIMEOUT).hello()
    dev.stop.set()
    dev.close()            # closes the master: the pty hangs up
    return t


def test_pty_hangup_read(hung_up_pty):
    # setting the read timeout reconfigures the tty, which fails once it hung up
    with pytest.raises(TargetDisconnected, match="target closed the connection while waiting "
                                                 "for the GET_STATS response"):
        P.read_frame(hung_up_pty, 0.5, "the GET_STATS response")


def test_pty_hangup_flush(hung_up_pty):
    # write(b"") reaches flush(): tcdrain raises termios.error, which is no OSError
    with pytest.raises(TargetDisconnected) as e:
        hung_up_pty.write(b"")
    msg = str(e.value)
    assert "cannot send to the target at /dev/" in msg
    assert "the connection is closed (termios.error: (5, 'Input/output error'))" in msg
    assert "last received 64 bytes: " in msg and "fake-device" in msg   # the HELLO answer's end


def test_pty_hangup_reset_input(hung_up_pty):
    with pytest.raises(TargetDisconnected, match="cannot reset the input from the target"):
        hung_up_pty.reset_input()


def test_pty_hangup_mid_frame_then_request(device):
    """The device hangs up in the middle of the GET_STATS answer -- often while the host still
    waits in tcdrain() for its request to drain (termios.error) --; the next request fails
    the same way (no pyserial or termios error escapes)."""
    _, t = device(only(1, lambda cmd, frame: Reply(frame[:20], hangup=True)), "pty")
    c = Client(t, TIMEOUT, TIMEOUT)
    c.hello()
    with pytest.raises(TargetDisconnected, match="(while waiting for the GET_STATS response|"
                                                 "cannot send to the target).*received"):
        c.get_stats()
    with pytest.raises(TargetDisconnected, match="cannot send to the target"):
        c.get_stats()


# ---- 3. lax checks -------------------------------------------------------------------------

def test_invoke_last_above_max_is_refused(device):
    _, t = device(only(2, edit("<4Q", 9, 901, 900, 900, 900)))
    c = Client(t, TIMEOUT, TIMEOUT)
    c.hello()
    c.set_input(0, bytes(490))
    with pytest.raises(ProtocolError) as e:
        c.invoke(1)
    assert "INVOKE: inconsistent latencies over 1 runs: last 901, min 900, max 900" in str(e.value)
    assert "received 41 bytes: 00 00 00 00 01 00 00 00 01 85 03" in str(e.value)


def test_hello_protocol_version_is_checked(device):
    _, t = device(only(0, edit("<B", 0, 2)))
    with pytest.raises(ProtocolError, match=r"the target's HELLO says protocol version 2, the "
                                            r"host speaks version 1; received 160 bytes, first "
                                            r"32 and last 32: 02 01 01 01"):
        Client(t, TIMEOUT, TIMEOUT).hello()


@pytest.mark.parametrize("answer,call", [
    (0, lambda c: None), (1, lambda c: c.get_stats()), (2, lambda c: c.invoke(2))])
def test_trailing_payload_bytes_are_refused(device, answer, call):
    def longer(cmd, frame):
        return Reply(P.encode(frame[3], frame[8:-4] + b"\xee\xee"))
    _, t = device(only(answer, longer))
    c = Client(t, TIMEOUT, TIMEOUT)
    with pytest.raises(ProtocolError, match=r"response too long: \d+ bytes where the answer "
                                            r"holds \d+ \(2 bytes beyond it\); received"):
        c.hello()
        if answer == 2:
            c.set_input(0, bytes(490))
        call(c)


# ---- 4. timeouts scale with the bytes on the line ------------------------------------------

def test_request_at_a_slow_baud_rate_gets_its_time(device):
    """1200 baud: the 503-byte SET_INPUT frame alone takes 4.2 s on the line."""
    def late(k, cmd, frame):
        if cmd == P.SET_INPUT:
            time.sleep(0.8)
        return Reply(frame)
    _, t = device(late, "pty", baudrate=1200)
    assert t.bytes_per_second == 120
    c = Client(t, 0.3, 0.3)
    c.hello()
    c.set_input(0, bytes(490))


def test_large_answer_gets_its_time(device):
    """No baud rate (socket): 10 KB/s for the answer's announced length, once its header is in."""
    data = bytes(8000)
    frame = P.encode(P.GET_OUTPUT | P.RESPONSE, struct.pack("<BII", 0, P.crc32(data), 8000) + data)
    dev, t = device(only(0, lambda cmd, _: Reply(b"")))
    c = Client(t, 0.3, 0.3)

    def slow_device():
        time.sleep(0.1)
        dev._send(frame[:8])                       # pylint: disable=protected-access
        time.sleep(0.6)
        dev._send(frame[8:])                       # pylint: disable=protected-access
    th = threading.Thread(target=slow_device, daemon=True)
    th.start()
    assert c.get_output(0) == data
    th.join(2)


def test_ready_frames_do_not_extend_the_wait(device):
    """A device that keeps announcing READY instead of answering HELLO times out."""
    dev, t = device(only(0, lambda cmd, frame: Reply(b"")))

    def chatter():
        for _ in range(12):
            time.sleep(0.1)
            dev._send(P.encode(P.READY, b"\x01"))    # pylint: disable=protected-access
    th = threading.Thread(target=chatter, daemon=True)
    th.start()
    t0 = time.monotonic()
    c = Client(t, 0.3, 0.3)
    with pytest.raises(TargetTimeout, match="received nothing"):
        c.hello()
    assert time.monotonic() - t0 < 0.8 and c.ready_seen >= 1
    th.join(3)


def test_silence_still_times_out(device):
    _, t = device(only(0, lambda cmd, frame: Reply(b"")))
    t0 = time.monotonic()
    with pytest.raises(TargetTimeout, match="received nothing"):
        Client(t, 0.3, 0.3).hello()
    assert time.monotonic() - t0 < 1.5


# ---- 5. resynchronisation on the frame magic -----------------------------------------------

BOOT_LOG = b"*** Booting Zephyr OS build v4.1.99 ***\r\n[00:00:00.010] <inf> main: ready\r\n"


def test_boot_log_before_the_first_frame_is_skipped_and_reported(device):
    _, t = device(only(0, lambda cmd, frame: Reply(BOOT_LOG + frame)))
    c = Client(t, TIMEOUT, TIMEOUT)
    assert c.hello().board == "fake-device"
    assert [(s.waiting_for, s.data) for s in c.skipped] == [("HELLO", BOOT_LOG)]
    c.get_stats()
    assert len(c.skipped) == 1


def test_endless_junk_is_a_protocol_error(device):
    junk = BOOT_LOG * ((64 << 10) // len(BOOT_LOG) + 2)
    _, t = device(only(0, lambda cmd, frame: Reply(junk + frame)))
    with pytest.raises(ProtocolError) as e:
        Client(t, 2.0, 2.0).hello()
    msg = str(e.value)
    assert ("garbage from the target while waiting for the HELLO response: more than 65536 "
            "bytes without a frame, received") in msg
    assert "first 32 and last 32: 2a 2a 2a 20 42 6f 6f 74" in msg and "'*** Booting Z" in msg


def test_junk_then_hangup_quotes_the_junk(device):
    _, t = device(only(0, lambda cmd, frame: Reply(BOOT_LOG + frame[:5], hangup=True)))
    with pytest.raises(HarnessError) as e:
        Client(t, TIMEOUT, TIMEOUT).hello()
    msg = str(e.value)
    assert isinstance(e.value, ProtocolError)
    assert "skipped %d bytes" % len(BOOT_LOG) in msg and "Booting Zephyr" in msg
    assert "target closed the connection in the middle of a frame" in msg
    assert "frame bytes received 5 bytes: a5 5a 01 81 a0" in msg
