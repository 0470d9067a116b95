"""Hardware-in-the-loop harness: run a compiled model on a target and measure it.

* :mod:`.protocol`   -- the framed, CRC-checked serial protocol (docs/PROTOCOL.md)
* :mod:`.transport`  -- serial port / ``socket://`` / pty transports (pyserial)
* :mod:`.client`     -- request/answer layer (identity, inputs, runs, outputs, stats)
* :mod:`.firmware`   -- builds the measurement firmware with the tinyengine-qemu
  PlatformIO platform (device runtime in ``tinyengine_pio/runtime``)
* :mod:`.targets`    -- what runs the firmware: one ``Target`` interface
  (``start() -> Transport``, ``close()``, ``log_text()``, ``describe()``), one module
  per kind (QEMU, Renode, serial port, labgrid place, the user's own PlatformIO
  project -- :mod:`.pio_build` adds the runtime to such a build --, Zephyr build)
  and the name -> factory registry ``TARGETS``
* :mod:`.dut`        -- ``Dut.infer(x)`` -> result checked against TFLM
* :mod:`.cli`        -- ``tinyengine-pio bench``
* :mod:`.pytest_plugin` -- fixtures ``dut`` / ``tinyengine_dut``
"""
import os

RUNTIME_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "runtime")
PIO_EXTRA_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pio_extra.py")


def code_sha256(files: dict) -> str:
    """Digest of the generated C (name -> text; only .c/.h count), as the firmware reports it."""
    import hashlib
    h = hashlib.sha256()
    for name in sorted(n for n in files if n.endswith((".c", ".h"))):
        text = files[name]
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        h.update(name.encode("utf8") + b"\0" + data + b"\0")
    return h.hexdigest()


def code_sha256_dir(path: str) -> str:
    files = {}
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if os.path.isfile(full) and name.endswith((".c", ".h")):
            with open(full, "rb") as fp:
                files[name] = fp.read()
    return code_sha256(files)
