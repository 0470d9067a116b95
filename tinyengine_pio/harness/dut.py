"""A device under test running a compiled model: ``dut.infer(x)`` -> InferenceResult."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np

from . import code_sha256
from .client import Client, Identity, Stats
from .errors import HarnessError, ProtocolError, hexdump
from .reference import first_mismatch, tflm_outputs
from .targets import TARGETS, TargetBase

RESULTS: list = []  # every InferenceResult of this process (the pytest plugin writes them)


@dataclass
class InferenceResult:
    board: str
    model: str
    model_sha256: str
    code_sha256: str
    runs: int
    latency: int               # last run
    latency_min: int
    latency_max: int
    latency_mean: float
    latency_unit: str          # "cycles" | "instructions" | "us" | "ticks"
    arena_bytes: int
    stack_peak_bytes: int      # deepest stack use since boot (painted stack)
    invoke_stack_bytes: int    # stack used below the harness's call of model_invoke()
    stack_size_bytes: int
    static_ram_bytes: int      # .data + .bss without the harness's state (includes the arena)
    peak_sram_bytes: int       # static_ram_bytes + stack_peak_bytes
    flash_bytes: int | None    # from the ELF, None when unknown (--port without ELF)
    data_bytes: int
    bss_bytes: int
    harness_ram_bytes: int
    output_crc32: list = field(default_factory=list)
    outputs: list = field(default_factory=list)            # numpy arrays from the target
    reference_outputs: list | None = None                  # TFLM's, when checked
    matches_reference: bool | None = None
    mismatch: str | None = None                            # first differing element
    reference_error: str | None = None                     # why there is no reference
    label: str | None = None                               # e.g. the pytest node id
    # per-layer timing of the last run (firmware built with per_layer=True):
    # [{"step", "op", "latency"}], None when unavailable (layers_error says why)
    layers: list | None = None
    layers_error: str | None = None

    def to_dict(self, with_tensors: bool = True) -> dict:
        d = {k: v for k, v in self.__dict__.items()
             if k not in ("outputs", "reference_outputs")}
        if with_tensors:
            d["outputs"] = [np.asarray(o).reshape(-1).tolist() for o in self.outputs]
            d["reference_outputs"] = (None if self.reference_outputs is None else
                                      [np.asarray(o).reshape(-1).tolist()
                                       for o in self.reference_outputs])
        return d

    def to_json(self, **kw) -> str:
        return json.dumps(self.to_dict(**kw), indent=1)

    def write_json(self, path) -> None:
        with open(path, "w", encoding="utf8") as fp:
            fp.write(self.to_json() + "\n")


class Dut:
    """A target that serves the harness protocol for ``model``.

    Build one with :meth:`attach` (any :class:`.targets.Target`, e.g. one made by
    ``targets.TARGETS[kind](...)``) or the shorthands :meth:`qemu`, :meth:`renode`,
    :meth:`labgrid`, :meth:`platformio`, :meth:`zephyr` and :meth:`connect` (an already
    running target at a serial port / socket:// / pty URL).  The identity the target
    reports is checked against the host compiler's output for the same model (model
    digest, generated-code digest, arena).
    """

    def __init__(self, client: Client, model: bytes, name: str = "model.tflite",
                 firmware=None, target=None, board: str | None = None, check_identity=True,
                 source_name: str = "model.tflite", optimize: str = "speed",
                 alignment: int = 4, compiled=None, io: str = "model", fuse=None,
                 size_ops=None, w16: bool = True):
        from ..compiler import compile_model
        self.client = client
        self.model = bytes(model)
        self.name = name
        self.firmware = firmware
        self.target = target
        # the generated C names the file it was compiled from; the bench firmware
        # always compiles model/model.tflite, hence the default source_name
        # (and the hook's custom_tinyengine_optimize, default "speed");
        # ``compiled``: that CompiledModel when the caller already has it; ``io``: the
        # build's --io (custom_tinyengine_io, CONFIG_TINYENGINE_IO_INT8); ``fuse``: the fused
        # stages the build chose (--optimize memory, a RAM budget: its model.json's "stages");
        # ``size_ops``: the ops a flash budget put on the size kernels (model.json's "flash"),
        # ``w16``: False where it turned the int16 GEMM weights off
        self.cm = compiled if compiled is not None else compile_model(
            self.model, prefix="model", name=source_name, optimize=optimize,
            alignment=alignment, io=io, fuse=fuse or None, size_ops=size_ops or None, w16=w16)
        self.identity: Identity = client.hello()
        self.board = board or self.identity.board
        self.label: str | None = None
        if check_identity:
            self._check_identity()

    def _check_identity(self) -> None:
        idn, cm = self.identity, self.cm
        want = {"model sha256": (idn.model_sha256, hashlib.sha256(self.model).hexdigest()),
                "generated-code sha256": (idn.code_sha256, code_sha256(cm.files)),
                "arena bytes": (idn.arena_bytes, cm.arena_bytes),
                "input sizes": (idn.input_bytes, [cm.graph.t(i).nbytes for i in cm.graph.inputs]),
                "output sizes": (idn.output_bytes,
                                 [cm.graph.t(i).nbytes for i in cm.graph.outputs])}
        bad = ["%s: target %s, host %s" % (k, a, b) for k, (a, b) in want.items() if a != b]
        if bad:
            raise HarnessError("the target does not run this build of %s: %s"
                               % (self.name, "; ".join(bad)))

    # -- construction ----------------------------------------------------
    @classmethod
    def attach(cls, target, model: bytes | None = None, name: str | None = None,
               timeout: float = 10.0, invoke_timeout: float = 300.0,
               check_identity: bool = True) -> "Dut":
        """Start ``target`` (a :class:`.targets.Target`) and talk to it.  ``model``: default
        the target's own (a PlatformIO project's, a Zephyr build's); ``name``: default the
        file the generated C was compiled from.  On any error the target is closed; a
        HarnessError then quotes the end of the target's log.  The target's optional
        attributes (``model``, ``source_name``, ...) default to :class:`.targets.TargetBase`'s."""
        def attr(key):
            return getattr(target, key, getattr(TargetBase, key))
        model = model if model is not None else attr("model")
        if model is None:
            raise HarnessError("no model for %s: give the .tflite it runs" % target.describe())
        transport = target.start()
        try:
            return cls(Client(transport, timeout, invoke_timeout), model,
                       name or attr("source_name"), firmware=attr("firmware"), target=target,
                       board=attr("result_board"), check_identity=check_identity,
                       source_name=attr("source_name"), optimize=attr("optimize"),
                       alignment=attr("alignment"), io=attr("io"),
                       fuse=attr("fuse") if attr("fuse") is not None
                       else build_stages(attr("firmware")),
                       size_ops=getattr(target, "size_ops", None) or build_size_ops(
                           attr("firmware")), w16=build_w16(attr("firmware")))
        except BaseException as exc:
            _close_after(target, exc)
            raise

    @classmethod
    def qemu(cls, model: bytes, board: str = "mps2-an386", name: str = "model.tflite",
             cache_dir=None, core_dir=None, progress=None, timeout: float = 10.0,
             invoke_timeout: float = 300.0, firmware=None) -> "Dut":
        """Build the measurement firmware of ``model`` (unless ``firmware`` is given) and run
        it in QEMU (:class:`.targets.QemuTarget`)."""
        target = TARGETS["qemu"](model, board, firmware=firmware, cache_dir=cache_dir,
                                 core_dir=core_dir, progress=progress)
        return cls.attach(target, model, name, timeout, invoke_timeout)

    @classmethod
    def renode(cls, model: bytes, board: str = "mps2-an386", name: str = "model.tflite",
               cache_dir=None, core_dir=None, progress=None, timeout: float = 10.0,
               invoke_timeout: float = 300.0, firmware=None, renode: str | None = None,
               connect_timeout: float = 60.0) -> "Dut":
        """Like :meth:`qemu`, in Renode (generated .resc, UART on its socket terminal)."""
        target = TARGETS["renode"](model, board, firmware=firmware, cache_dir=cache_dir,
                                   core_dir=core_dir, progress=progress, renode=renode,
                                   connect_timeout=connect_timeout)
        return cls.attach(target, model, name, timeout, invoke_timeout)

    @classmethod
    def labgrid(cls, place: str, model: bytes, name: str = "model.tflite",
                coordinator: str | None = None, env_config: str | None = None,
                timeout: float = 10.0, invoke_timeout: float = 300.0, firmware=None,
                baudrate: int | None = None) -> "Dut":
        """The board held by labgrid place ``place`` (serial from its NetworkSerialPort;
        ``firmware`` is flashed when ``env_config`` gives the target a BootstrapProtocol
        driver).  The place is released by :meth:`close`."""
        target = TARGETS["labgrid"](place, coordinator=coordinator, env_config=env_config,
                                    firmware=firmware, baudrate=baudrate)
        return cls.attach(target, model, name, timeout, invoke_timeout)

    @classmethod
    def platformio(cls, project_dir, model: bytes | None = None, env: str | None = None,
                   name: str | None = None, core_dir=None, progress=None,
                   timeout: float = 10.0, invoke_timeout: float = 300.0,
                   upload_timeout: float = 900.0, connect_timeout: float = 30.0) -> "Dut":
        """The user's own PlatformIO project (env with ``custom_tinyengine_model`` and
        ``custom_tinyengine_harness = yes``): ``pio run -e ENV -t upload``, then the harness
        on ``monitor_port`` (or ``upload_port``) at ``monitor_speed``.  ``model``: default
        the env's custom_tinyengine_model (given and different: HarnessError).  The upload
        process (an emulator-backed upload keeps running) ends in :meth:`close`."""
        target = TARGETS["platformio"](project_dir, model, env=env, core_dir=core_dir,
                                       progress=progress, upload_timeout=upload_timeout,
                                       connect_timeout=connect_timeout)
        return cls.attach(target, None, name, timeout, invoke_timeout)

    @classmethod
    def zephyr(cls, build_dir, model: bytes | None = None, port: str | None = None,
               name: str | None = None, west: str = "west", runner: str | None = None,
               flash_args=(), baudrate: int = 115200, flash: bool = True, run: bool = False,
               timeout: float = 10.0, invoke_timeout: float = 300.0,
               flash_timeout: float = 300.0, connect_timeout: float | None = None,
               progress=None) -> "Dut":
        """A Zephyr build with ``CONFIG_TINYENGINE_HARNESS=y`` (sample_apps/zephyr_harness).

        ``port``: ``west flash -d build_dir [-r runner] [flash_args]`` (``flash=False``: the
        board already runs it), then the harness on that serial port.  ``run=True``
        instead: ``west build -d build_dir``, then the build's ``run_qemu`` command (QEMU
        board; harness UART on a TCP socket, see :class:`.targets.ZephyrRunTarget`).
        ``model``: default the build's model (``build_dir/tinyengine/models.json``).  Flash
        size from ``zephyr/zephyr.elf``."""
        target = TARGETS["zephyr"](build_dir, model, port=port, name=name, west=west,
                                   runner=runner, flash_args=flash_args, baudrate=baudrate,
                                   flash=flash, run=run, flash_timeout=flash_timeout,
                                   connect_timeout=connect_timeout, progress=progress)
        return cls.attach(target, None, name, timeout, invoke_timeout)

    @classmethod
    def connect(cls, url: str, model: bytes, name: str = "model.tflite", baudrate: int = 115200,
                timeout: float = 5.0, invoke_timeout: float = 300.0, firmware=None,
                source_name: str = "model.tflite", check_identity: bool = True) -> "Dut":
        """The target already running at ``url`` (:class:`.targets.SerialTarget`)."""
        target = TARGETS["serial"](url, baudrate=baudrate, firmware=firmware,
                                   source_name=source_name)
        return cls.attach(target, model, name, timeout, invoke_timeout,
                          check_identity=check_identity)

    # -- use ------------------------------------------------------------
    def random_inputs(self, seed: int = 0) -> list:
        from ..host import seed_inputs
        return seed_inputs(self.cm, seed)

    def infer(self, inputs=None, runs: int = 1, seed: int = 0,
              reference: bool = True, per_layer: bool | None = None) -> InferenceResult:
        """Send ``inputs`` (array, list of arrays, or None for a seeded random input), run
        ``runs`` inferences, read the outputs and the figures, compare with TFLM.

        ``per_layer``: ask for the per-layer latencies of the last run (GET_LAYERS;
        None: only when this Dut built the firmware with per_layer=True);
        ``result.layers`` stays None (``layers_error`` says why) when the firmware
        has no per-layer mode -- numbers are never invented."""
        from ..ir import NP_TYPES
        from ..passes.int8_io import caller_outputs, model_inputs
        from .protocol import crc32
        g = self.cm.graph
        arrays = self._send_inputs(inputs, seed)
        timing = self.client.invoke(runs)
        outs, crcs = [], []
        for k, ti in enumerate(g.outputs):
            t = g.t(ti)
            raw = self.client.get_output(k)
            if len(raw) != t.nbytes:   # the identity said otherwise (check_identity=False)
                raise ProtocolError("output %d: the target sent %d bytes, the model's output "
                                    "(%s %s) has %d; received %s" % (
                                        k, len(raw), t.dtype, list(t.shape), t.nbytes,
                                        hexdump(raw)))
            crcs.append(crc32(raw))
            outs.append(np.frombuffer(raw, dtype=NP_TYPES[t.dtype]).reshape(t.shape).copy())
        stats: Stats = self.client.get_stats()
        layers, layers_error = self._read_layers(per_layer)
        flash = self.firmware.sizes.get("flash_bytes") if self.firmware else None
        res = InferenceResult(
            board=self.board, model=self.name, model_sha256=self.identity.model_sha256,
            code_sha256=self.identity.code_sha256, runs=timing.runs, latency=timing.last,
            latency_min=timing.min, latency_max=timing.max, latency_mean=timing.mean,
            latency_unit=timing.unit, arena_bytes=stats.arena_bytes,
            stack_peak_bytes=stats.stack_peak_bytes, invoke_stack_bytes=stats.invoke_stack_bytes,
            stack_size_bytes=stats.stack_size_bytes, static_ram_bytes=stats.static_ram_bytes,
            peak_sram_bytes=stats.peak_sram_bytes, flash_bytes=flash,
            data_bytes=stats.data_bytes, bss_bytes=stats.bss_bytes,
            harness_ram_bytes=stats.harness_ram_bytes, output_crc32=crcs, outputs=outs,
            label=self.label, layers=layers, layers_error=layers_error)
        if reference:
            try:
                # --io int8: TFLM runs the float-I/O model on the dequantized inputs, its
                # float outputs quantized back (passes/int8_io.py)
                dropped = g.config.get("io_dropped", [])
                ref = caller_outputs(dropped, tflm_outputs(
                    self.model, model_inputs(dropped, arrays), len(g.outputs)))
            except HarnessError as exc:
                res.reference_error = str(exc)
            else:
                res.reference_outputs = ref
                res.mismatch = first_mismatch(outs, ref)
                res.matches_reference = res.mismatch is None
        RESULTS.append(res)
        return res

    def _send_inputs(self, inputs, seed: int) -> list:
        """SET_INPUT for every model input (None: the seeded random input); the arrays sent."""
        from ..ir import NP_TYPES
        g = self.cm.graph
        if inputs is None:
            inputs = self.random_inputs(seed)
        elif isinstance(inputs, np.ndarray) or not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        if len(inputs) != len(g.inputs):
            raise ValueError("model has %d inputs, got %d" % (len(g.inputs), len(inputs)))
        arrays = []
        for k, (x, ti) in enumerate(zip(inputs, g.inputs)):
            t = g.t(ti)
            a = np.asarray(x)
            if a.size != t.size:
                raise ValueError("input %d: %d elements, the model wants %s" % (k, a.size,
                                                                                list(t.shape)))
            a = np.ascontiguousarray(a.astype(NP_TYPES[t.dtype], copy=False).reshape(t.shape))
            arrays.append(a)
            self.client.set_input(k, a.tobytes())
        return arrays

    def _read_layers(self, per_layer: bool | None) -> tuple[list | None, str | None]:
        """(per-layer latencies of the last run, why there are none) -- see :meth:`infer`."""
        ops = self.cm.graph.operators
        if per_layer is None:
            per_layer = bool(self.firmware is not None and getattr(self.firmware, "per_layer",
                                                                   False))
        if not per_layer:
            return None, None
        lat = self.client.get_layers()
        if lat is None:
            return None, "the firmware has no per-layer timing (build it with per_layer=True)"
        if len(lat) != len(ops):
            return None, "target reported %d layers, the model has %d" % (len(lat), len(ops))
        return [{"step": k, "op": op.kind, "latency": v}
                for k, (op, v) in enumerate(zip(ops, lat))], None

    def close(self, status: int = 0) -> int | None:
        """Ask the target to exit (QEMU ends) and release everything."""
        rc = None
        try:
            if self.client.t is not None and not self.client.t.eof:
                self.client.exit(status)
        except HarnessError:
            pass
        finally:
            if self.target is not None:
                rc = self.target.close()
            else:
                self.client.t.close()
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _close_after(target, exc: BaseException) -> None:
    """Close ``target`` after ``exc``; a HarnessError is re-raised with the end of the
    target's log ("QEMU output: ...") when the target has one."""
    target.close()
    label = getattr(target, "log_label", None)
    log = getattr(target, "failure_log", target.log_text)().strip() if label else ""
    if log and isinstance(exc, HarnessError):
        raise type(exc)("%s\n%s output: %s" % (exc, label, log[-2000:])) from exc


def _build_metadata(firmware):
    """The model.json a PlatformIO build generated beside its ELF, or None."""
    from ..metadata import ModelMetadata
    elf = getattr(firmware, "elf", None)
    if elf is None:
        return None
    try:
        return ModelMetadata.load(os.path.join(os.path.dirname(os.fspath(elf)), "tinyengine",
                                               "src"))
    except (OSError, TypeError, ValueError, KeyError):
        return None


def build_stages(firmware) -> list[tuple] | None:
    """The fused stages a PlatformIO-built firmware's model was compiled with (its generated
    model.json beside the ELF: the schedule an automatic fit or a RAM budget chose), or None."""
    md = _build_metadata(firmware)
    return None if md is None else stage_ranges(md)


def build_size_ops(firmware) -> list[int] | None:
    """The ops a PlatformIO-built firmware's model runs on the size kernels (the flash
    fallback's choice, its model.json's "flash"), or None."""
    md = _build_metadata(firmware)
    return list(md.flash.size_ops) if md is not None and md.flash is not None else None


def build_w16(firmware) -> bool:
    """False where a PlatformIO-built firmware's flash fallback turned the int16 GEMM weights
    off (its model.json's "flash" "w16")."""
    md = _build_metadata(firmware)
    return md is None or md.flash is None or md.flash.w16


def stage_ranges(md) -> list[tuple] | None:
    """compile_model's `fuse` for the stages a model.json records, or None."""
    return [(st.first, st.last, {int(k): int(v) for k, v in st.batch.items()})
            for st in md.stages] or None
