"""The qemu-system-arm command line of a tinyengine-qemu board: the one place it is built.

Standard library only and no package-relative imports: the platform's SCons
builder (``builder/main.py``, run by PlatformIO's own Python, which may not
import ``tinyengine_pio``) loads this file by its path; the harness
(``tinyengine_pio.harness.targets.qemu``) and the Zephyr run target import it
as ``tinyengine_pio.platformio.platform.builder.qemu_cmdline``.
"""

QEMU = "qemu-system-arm"

# deterministic instruction counts (one instruction = 1 ns of virtual time) and the
# guest's exit status through semihosting
_RUN_FLAGS = ["-semihosting-config", "enable=on,target=native", "-icount", "shift=0"]


def serial_tcp(port):
    """``-serial`` value for a TCP server on 127.0.0.1:``port`` that waits for its client:
    the guest starts when the harness (or ``pio device monitor``) connects."""
    return "tcp:127.0.0.1:%d,server=on,wait=on" % port


def qemu_command(build, kernel, serial="stdio", extra_args=(), qemu=QEMU):
    """argv that runs ``kernel`` (an ELF) on the board whose board-JSON ``"build"`` object is
    ``build`` (``qemu_machine``; ``qemu_cpu``, default ``cpu``), UART0 on ``serial``
    (``"stdio"`` or :func:`serial_tcp`), ``extra_args`` before ``-kernel``."""
    return ([qemu, "-machine", build["qemu_machine"],
             "-cpu", build.get("qemu_cpu", build["cpu"]), "-nographic", "-monitor", "none"]
            + _RUN_FLAGS + ["-serial", serial] + list(extra_args) + ["-kernel", str(kernel)])
