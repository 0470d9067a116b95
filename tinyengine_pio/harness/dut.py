"""A device under test running a compiled model: ``dut.infer(x)`` -> InferenceResult."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from . import code_sha256
from .client import Client, Identity, Stats
from .errors import HarnessError
from .reference import first_mismatch, tflm_outputs

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
    latency_unit: str          # "cycles" | "instructions" | "us"
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

    Build one with :meth:`qemu` (build + run in QEMU) or :meth:`connect`
    (an already running target at a serial port / socket:// / pty URL).
    The identity the target reports is checked against the host compiler's
    output for the same model (model digest, generated-code digest, arena).
    """

    def __init__(self, client: Client, model: bytes, name: str = "model.tflite",
                 firmware=None, target=None, board: str | None = None, check_identity=True,
                 source_name: str = "model.tflite", optimize: str = "speed"):
        from ..compiler import compile_model
        self.client = client
        self.model = bytes(model)
        self.name = name
        self.firmware = firmware
        self.target = target
        # the generated C names the file it was compiled from; the bench firmware
        # always compiles model/model.tflite, hence the default source_name
        # (and the hook's custom_tinyengine_optimize, default "speed")
        self.cm = compile_model(self.model, prefix="model", name=source_name,
                                optimize=optimize)
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
    def qemu(cls, model: bytes, board: str = "mps2-an386", name: str = "model.tflite",
             cache_dir=None, core_dir=None, progress=None, timeout: float = 10.0,
             invoke_timeout: float = 300.0, firmware=None) -> "Dut":
        from .firmware import build_firmware
        from .qemu import QemuTarget
        fw = firmware or build_firmware(model, board, cache_dir=cache_dir, core_dir=core_dir,
                                        progress=progress)
        target = QemuTarget(fw.elf, board)
        transport = target.start()
        try:
            return cls(Client(transport, timeout, invoke_timeout), model, name, firmware=fw,
                       target=target, board=board)
        except BaseException as exc:
            target.close()
            log = "\n".join(line for line in target.log_text().splitlines()
                            if "waiting for connection" not in line).strip()
            if log and isinstance(exc, HarnessError):
                raise type(exc)("%s\nQEMU output: %s" % (exc, log[-2000:])) from exc
            raise

    @classmethod
    def renode(cls, model: bytes, board: str = "mps2-an386", name: str = "model.tflite",
               cache_dir=None, core_dir=None, progress=None, timeout: float = 10.0,
               invoke_timeout: float = 300.0, firmware=None, renode: str | None = None,
               connect_timeout: float = 60.0) -> "Dut":
        """Like :meth:`qemu`, in Renode (generated .resc, UART on its socket terminal)."""
        from .renode import RenodeTarget, find_renode
        from .firmware import build_firmware
        find_renode(renode)  # says how to install it before building anything
        fw = firmware or build_firmware(model, board, cache_dir=cache_dir, core_dir=core_dir,
                                        progress=progress)
        target = RenodeTarget(fw.elf, board, renode=renode)
        return cls._on_target(target, target.start(connect_timeout), model, name, fw, board,
                              timeout, invoke_timeout, "Renode")

    @classmethod
    def labgrid(cls, place: str, model: bytes, name: str = "model.tflite",
                coordinator: str | None = None, env_config: str | None = None,
                timeout: float = 10.0, invoke_timeout: float = 300.0, firmware=None,
                baudrate: int | None = None) -> "Dut":
        """The board held by labgrid place ``place`` (serial from its NetworkSerialPort;
        ``firmware`` is flashed when ``env_config`` gives the target a BootstrapProtocol
        driver).  The place is released by :meth:`close`."""
        from .labgrid_place import LabgridPlace
        target = LabgridPlace(place, coordinator=coordinator, env_config=env_config,
                              baudrate=baudrate)
        transport = target.start(firmware.elf if firmware is not None else None)
        return cls._on_target(target, transport, model, name, firmware, None, timeout,
                              invoke_timeout, None)

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
        import os
        from .pio_runner import PioTarget
        target = PioTarget(project_dir, env=env, core_dir=core_dir, progress=progress,
                           upload_timeout=upload_timeout, connect_timeout=connect_timeout)
        own = target.model_bytes()
        if model is not None and bytes(model) != own:
            raise HarnessError("the model given differs from custom_tinyengine_model = %s of "
                               "env %s (%s); leave the model out or pass that file"
                               % (target.options.get("custom_tinyengine_model"), target.env,
                                  target.model_path))
        transport = target.start()
        try:
            return cls(Client(transport, timeout, invoke_timeout), own,
                       name or os.path.basename(target.model_path), firmware=target.firmware(),
                       target=target, source_name=os.path.basename(target.model_path),
                       optimize=target.optimize)
        except BaseException as exc:
            target.close()
            log = target.log_text().strip()
            if log and isinstance(exc, HarnessError):
                raise type(exc)("%s\nPlatformIO upload output: %s" % (exc, log[-2000:])) \
                    from exc
            raise

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
        board; harness UART on a TCP socket, see :class:`.zephyr_runner.ZephyrRunTarget`).  ``model``: default the build's
        model (``build_dir/tinyengine/models.json``).  Flash size from ``zephyr/zephyr.elf``."""
        import os
        from .firmware import Firmware, elf_sizes
        from .zephyr_runner import ZephyrRunTarget, ZephyrTarget, build_info
        info = build_info(build_dir)
        if model is None and info["model"] is None:
            raise HarnessError("%s is not a configured Zephyr harness build (no model with "
                               "prefix 'model' in tinyengine/models.json): west build it with "
                               "CONFIG_TINYENGINE_HARNESS=y first, or give the model" % build_dir)
        # the generated C names the .tflite it was compiled from
        source = os.path.basename(info["model"] or name or "model.tflite")
        if model is None:
            try:
                with open(info["model"], "rb") as fp:
                    model = fp.read()
            except OSError as exc:
                raise HarnessError("cannot read the build's model %s: %s"
                                   % (info["model"], exc.strerror)) from exc
        if run:
            target = ZephyrRunTarget(build_dir, west=west, progress=progress,
                                     connect_timeout=connect_timeout or 60.0)
        else:
            if not port:
                raise HarnessError("Dut.zephyr needs the board's serial port (port=...) or "
                                   "run=True for a QEMU board")
            target = ZephyrTarget(build_dir, port, west=west, runner=runner,
                                  flash_args=flash_args, baudrate=baudrate, flash=flash,
                                  flash_timeout=flash_timeout, progress=progress,
                                  connect_timeout=connect_timeout or 30.0)
        fw = None
        if info["elf"].is_file():
            fw = Firmware(elf=info["elf"], board=info["board"] or "zephyr",
                          project=info["elf"].parents[1],
                          model_sha256=hashlib.sha256(bytes(model)).hexdigest(),
                          sizes=elf_sizes(info["elf"]),
                          per_layer=info["config"].get("CONFIG_TINYENGINE_HARNESS_PER_LAYER")
                          == "y")
        optimize = "size" if info["config"].get("CONFIG_TINYENGINE_OPTIMIZE_SIZE") == "y" \
            else "speed"
        transport = target.start()
        try:
            return cls(Client(transport, timeout, invoke_timeout), model, name or source,
                       firmware=fw, target=target, source_name=source, optimize=optimize)
        except BaseException as exc:
            target.close()
            log = target.log_text().strip()
            if log and isinstance(exc, HarnessError):
                raise type(exc)("%s\nwest output: %s" % (exc, log[-2000:])) from exc
            raise

    @classmethod
    def _on_target(cls, target, transport, model, name, fw, board, timeout, invoke_timeout,
                   what) -> "Dut":
        try:
            return cls(Client(transport, timeout, invoke_timeout), model, name, firmware=fw,
                       target=target, board=board)
        except BaseException as exc:
            target.close()
            log = target.log_text() if what and hasattr(target, "log_text") else ""
            if log.strip() and isinstance(exc, HarnessError):
                raise type(exc)("%s\n%s output: %s" % (exc, what, log.strip()[-2000:])) \
                    from exc
            raise

    @classmethod
    def connect(cls, url: str, model: bytes, name: str = "model.tflite", baudrate: int = 115200,
                timeout: float = 5.0, invoke_timeout: float = 300.0, firmware=None,
                source_name: str = "model.tflite", check_identity: bool = True) -> "Dut":
        from .transport import open_transport
        transport = open_transport(url, baudrate=baudrate)
        try:
            return cls(Client(transport, timeout, invoke_timeout), model, name,
                       firmware=firmware, source_name=source_name,
                       check_identity=check_identity)
        except BaseException:
            transport.close()
            raise

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
        from ..host import _np
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
            a = np.ascontiguousarray(a.astype(_np(t.dtype), copy=False).reshape(t.shape))
            arrays.append(a)
            self.client.set_input(k, a.tobytes())
        timing = self.client.invoke(runs)
        outs, crcs = [], []
        from .protocol import crc32
        for k, ti in enumerate(g.outputs):
            t = g.t(ti)
            raw = self.client.get_output(k)
            crcs.append(crc32(raw))
            outs.append(np.frombuffer(raw, dtype=_np(t.dtype)).reshape(t.shape).copy())
        stats: Stats = self.client.get_stats()
        layers, layers_error = None, None
        if per_layer is None:
            per_layer = bool(self.firmware is not None and getattr(self.firmware, "per_layer",
                                                                   False))
        if per_layer:
            lat = self.client.get_layers()
            if lat is None:
                layers_error = "the firmware has no per-layer timing (build it with per_layer=True)"
            elif len(lat) != len(g.operators):
                layers_error = ("target reported %d layers, the model has %d"
                                % (len(lat), len(g.operators)))
            else:
                layers = [{"step": k, "op": op.kind, "latency": v}
                          for k, (op, v) in enumerate(zip(g.operators, lat))]
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
                ref = tflm_outputs(self.model, arrays, len(g.outputs))
            except HarnessError as exc:
                res.reference_error = str(exc)
            else:
                res.reference_outputs = ref
                res.mismatch = first_mismatch(outs, ref)
                res.matches_reference = res.mismatch is None
        RESULTS.append(res)
        return res

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
