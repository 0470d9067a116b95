"""Host side of the harness protocol: one request, one checked answer.

The answer payloads are parsed and checked in :mod:`.responses`; this module sends the
requests, bounds the wait for each answer and turns READY / ERROR / unexpected frames into
specific errors that quote the bytes received.
"""
from __future__ import annotations

import struct
import time
from dataclasses import dataclass

from . import protocol as P
from .errors import TargetError, TargetReset
from .responses import (
    Identity,
    Stats,
    Timing,
    bad,
    need_size,
    parse_hello,
    parse_invoke,
    parse_layers,
    parse_output,
    parse_set_input,
    parse_stats,
)

__all__ = ["MIN_TARGET_RX_BYTES_PER_S", "Client", "Identity", "Skipped", "Stats", "Timing"]

# Bytes per second a target takes in (and sends) at the least, when the transport does not
# know its line rate: over a socket (QEMU, Renode, ser2net) a payload is still in buffers when
# write() has returned, drained at the target's UART speed, so the answer to a request with a
# large payload (SET_INPUT of a 240 KB image) comes that much later, and a large answer
# (GET_OUTPUT) takes that long to arrive.  A serial port (or pty) uses its baud rate instead
# (baud / 10 bytes per second).
MIN_TARGET_RX_BYTES_PER_S = 10_000

# The largest payload each answer can have (GET_OUTPUT: from the identity); a longer frame is
# refused as soon as its header arrives, so a corrupted length cannot stretch the wait.
ANSWER_LIMITS = {P.HELLO: 4096, P.SET_INPUT: 5, P.INVOKE: 41, P.GET_STATS: 73,
                 P.GET_LAYERS: 9 + 8 * (1 << 16), P.EXIT: 0}
ERROR_LIMIT = 1024      # an ERROR answer: code, command, message
SKIPPED_KEPT = 16       # Client.skipped keeps the last SKIPPED_KEPT records


@dataclass
class Skipped:
    """Bytes that came before an answer's frame magic and were skipped (resynchronised)."""
    waiting_for: str
    data: bytes


class Client:
    """Talks protocol v1 over a Transport.

    ``timeout`` bounds every answer, plus the time the request and the answer take on the
    line (the transport's baud rate, or MIN_TARGET_RX_BYTES_PER_S); ``invoke_timeout`` the
    INVOKE answer (N inferences).  Errors are specific and include the bytes received.
    """

    def __init__(self, transport, timeout: float = 5.0, invoke_timeout: float = 120.0):
        self.t = transport
        self.timeout = timeout
        self.invoke_timeout = invoke_timeout
        self.identity: Identity | None = None
        self.ready_seen = 0
        self.skipped: list[Skipped] = []   # junk skipped before answers, the last few

    # -- plumbing -------------------------------------------------------
    def line_rate(self) -> float:
        """Bytes per second assumed for the transfer of a frame (see MIN_TARGET_RX_BYTES_PER_S)."""
        rate = getattr(self.t, "bytes_per_second", None)
        return rate or MIN_TARGET_RX_BYTES_PER_S

    def answer_limit(self, command: int, payload: bytes) -> int:
        limit = ANSWER_LIMITS.get(command, P.MAX_PAYLOAD)
        if command == P.GET_OUTPUT:
            outs = self.identity.output_bytes if self.identity else []
            k = payload[0] if payload else len(outs)
            limit = 9 + outs[k] if k < len(outs) else P.MAX_PAYLOAD
        return max(limit, ERROR_LIMIT, 1)

    def request(self, command: int, payload: bytes = b"", timeout: float | None = None,
                allow_ready: bool = False) -> bytes:
        """Send one request; the payload of its answer.  The answer may take ``timeout``
        (default ``self.timeout``) plus the time the request and the answer take on the line
        (:meth:`line_rate`)."""
        name = P.command_name(command)
        frame = P.encode(command, payload)
        self.t.write(frame)
        rate = self.line_rate()
        wait = (self.timeout if timeout is None else timeout) + len(frame) / rate
        deadline = time.monotonic() + wait      # READY frames before HELLO do not extend it
        while True:
            answer = P.read_frame(self.t, max(0.0, deadline - time.monotonic()),
                                  waiting_for="the %s response" % name,
                                  max_payload=self.answer_limit(command, payload), rate=rate)
            if answer.skipped:
                self.skipped = (self.skipped + [Skipped(name, answer.skipped)])[-SKIPPED_KEPT:]
            if answer.command == P.READY:
                if not allow_ready:
                    raise bad("target reset (it sent READY) while waiting for the %s response"
                              % name, answer.payload, TargetReset)
                if answer.payload != bytes([P.VERSION]):
                    raise bad("the target's READY frame should carry protocol version %d"
                              % P.VERSION, answer.payload)
                self.ready_seen += 1
                continue
            if answer.command == P.ERROR:
                raise self._target_error(name, command, answer.payload)
            if answer.command != command | P.RESPONSE:
                raise bad("expected the %s response, got a %s frame" % (
                    name, P.command_name(answer.command)), answer.payload)
            return answer.payload

    @staticmethod
    def _target_error(name: str, command: int, p: bytes) -> TargetError:
        if len(p) < 2 or p[1] != command:
            return bad("ERROR frame that does not answer %s (0x%02x): it needs an error code "
                       "and the request's command" % (name, command), p)
        msg = p[2:].decode("ascii", "replace")
        return bad("target rejected %s: %s (error %d: %s)" % (
            name, msg, p[0], P.ERROR_NAMES.get(p[0], "?")), p,
            lambda m: TargetError(m, p[0], command))

    # -- commands -------------------------------------------------------
    def hello(self) -> Identity:
        self.identity = parse_hello(self.request(P.HELLO, allow_ready=True))
        return self.identity

    def set_input(self, index: int, data: bytes) -> None:
        data = bytes(data)
        parse_set_input(self.request(P.SET_INPUT, bytes([index]) + data), index, data)

    def invoke(self, runs: int = 1) -> Timing:
        p = self.request(P.INVOKE, struct.pack("<I", runs), timeout=self.invoke_timeout)
        t = parse_invoke(p, runs)
        if t.rc != 0:
            raise bad("model_invoke() returned %d on the target (run %d of %d)"
                      % (t.rc, t.runs, runs), p, lambda m: TargetError(m, 0, P.INVOKE))
        return t

    def get_output(self, index: int) -> bytes:
        outs = self.identity.output_bytes if self.identity else []
        expected = outs[index] if 0 <= index < len(outs) else None
        return parse_output(self.request(P.GET_OUTPUT, bytes([index])), index, expected).data

    def get_stats(self) -> Stats:
        return parse_stats(self.request(P.GET_STATS))

    def get_layers(self) -> list | None:
        """Latency of every layer of the last run (list of ints, in the INVOKE unit), or
        None when the firmware has no per-layer timing (it answers "unsupported")."""
        try:
            p = self.request(P.GET_LAYERS)
        except TargetError as exc:
            if exc.code in (P.ERR_UNSUPPORTED, 3):   # 3: firmware older than GET_LAYERS
                return None
            raise
        return parse_layers(p)

    def exit(self, status: int = 0) -> None:
        need_size(self.request(P.EXIT, struct.pack("<i", status)), 0, "EXIT")
