"""A target held in a labgrid place: serial from its ``NetworkSerialPort``.

``LabgridPlace("mps2-1", coordinator="lab:20408").start()`` acquires the place
(``labgrid-client -x COORD -p PLACE acquire``), resolves the place's
``NetworkSerialPort`` through labgrid's Python API (a ``RemotePlace`` target;
an SSH proxy is used when the exporter demands one) and opens it as

* ``rfc2217://HOST:PORT?ign_set_control`` (protocol ``rfc2217``: what
  ``labgrid-exporter`` serves through ``ser2net`` for a ``RawSerialPort`` /
  ``USBSerialPort``; ``ign_set_control`` as labgrid's own SerialDriver uses it,
  ser2net does not answer the SET_CONTROL option), or
* ``socket://HOST:PORT`` (protocol ``raw``).

Flashing and power are optional hooks that go through the drivers of the
labgrid environment file you pass (``env_config``: a target with a
``RemotePlace`` plus e.g. ``OpenOCDDriver`` / ``PyOCDDriver`` and a power
driver): :meth:`flash` uses the target's ``BootstrapProtocol``, :meth:`power_cycle`
its ``PowerProtocol``.  Without an environment file only the serial port is used
(e.g. a QEMU or already-flashed board).  ``close()`` releases the place if this
object acquired it.

labgrid is an optional dependency (``pip install labgrid``); its pytest plugin is
not used (the project runs with ``-p no:labgrid``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..errors import HarnessError
from ..transport import Transport, open_transport
from .base import TargetBase

DEFAULT_COORDINATOR = "127.0.0.1:20408"


def serial_url(host: str, port: int, protocol: str = "rfc2217") -> str:
    """pyserial URL of a labgrid NetworkSerialPort."""
    if protocol == "rfc2217":
        return "rfc2217://%s:%d?ign_set_control" % (host, port)
    if protocol == "raw":
        return "socket://%s:%d" % (host, port)
    raise HarnessError("NetworkSerialPort protocol %r is not supported (rfc2217, raw)"
                       % protocol)


def _need_labgrid():
    try:
        import labgrid  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
    except ImportError as exc:
        raise HarnessError("--place needs labgrid: pip install labgrid (%s)" % exc) from exc
    if shutil.which("labgrid-client") is None:
        raise HarnessError("labgrid-client not found on PATH (pip install labgrid)")


class LabgridPlace(TargetBase):
    """A board held by a labgrid place (see module doc)."""

    def __init__(self, place: str, coordinator: str | None = None, env_config: str | None = None,
                 target_name: str = "main", acquire: bool = True, baudrate: int | None = None,
                 timeout: float = 30.0):
        self.place = place
        self.coordinator = (coordinator or os.environ.get("LG_COORDINATOR")
                            or DEFAULT_COORDINATOR)
        self.env_config = env_config
        self.target_name = target_name
        self.want_acquire = acquire
        self.baudrate = baudrate
        self.timeout = timeout
        self.acquired = False
        self.env = None
        self.target = None
        self.resource = None
        self.url: str | None = None
        self.transport: Transport | None = None
        self._tmp = None

    # -- labgrid-client --------------------------------------------------------
    def client(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = ["labgrid-client", "-x", self.coordinator, "-p", self.place, *args]
        env = dict(os.environ, LG_COORDINATOR=self.coordinator)
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=self.timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise HarnessError("%s: no answer from the coordinator %s within %g s" % (
                " ".join(cmd), self.coordinator, self.timeout)) from exc
        if check and r.returncode != 0:
            raise HarnessError("%s failed (%d): %s" % (" ".join(cmd), r.returncode,
                                                      (r.stderr or r.stdout).strip()))
        return r

    def acquire(self) -> None:
        r = self.client("acquire", check=False)
        if r.returncode != 0:
            msg = (r.stderr or r.stdout).strip()
            if "You have already acquired place" in msg:
                return  # ours already (e.g. acquired by hand): use it, do not release it
            raise HarnessError("cannot acquire labgrid place %r at %s: %s" % (
                self.place, self.coordinator, msg))
        self.acquired = True

    def release(self) -> None:
        if self.acquired:
            self.acquired = False
            self.client("release", check=False)

    # -- labgrid Python API ----------------------------------------------------
    def _environment(self):
        from labgrid import Environment  # pylint: disable=import-outside-toplevel
        path = self.env_config
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="te-labgrid-")
            path = os.path.join(self._tmp.name, "env.yaml")
            with open(path, "w", encoding="utf8") as fp:
                fp.write("targets:\n  %s:\n    resources:\n      RemotePlace:\n"
                         "        name: %s\noptions:\n  coordinator_address: %s\n"
                         % (self.target_name, self.place, self.coordinator))
        return Environment(path)

    def resolve(self) -> str:
        """URL of the place's NetworkSerialPort (the place must be acquired)."""
        from labgrid.resource import NetworkSerialPort  # pylint: disable=import-outside-toplevel
        from labgrid.util.proxy import proxymanager  # pylint: disable=import-outside-toplevel
        self.env = self._environment()
        try:
            self.target = self.env.get_target(self.target_name)
            if self.target is None:
                raise HarnessError("no target %r in the labgrid environment %s"
                                   % (self.target_name, self.env_config))
            self.resource = self.target.get_resource(NetworkSerialPort)
        except HarnessError:
            raise
        except Exception as exc:  # labgrid raises its own error types
            raise HarnessError("labgrid place %r at %s has no usable NetworkSerialPort: %s: %s"
                               % (self.place, self.coordinator, type(exc).__name__, exc)) \
                from exc
        host, port = proxymanager.get_host_and_port(self.resource)
        self.url = serial_url(host, port, self.resource.protocol)
        if self.baudrate is None:
            self.baudrate = int(self.resource.speed or 115200)
        return self.url

    def _drop_session(self) -> None:
        """labgrid keeps one coordinator session per process (RemotePlaceManager) and
        only updates its place list while its event loop runs: a place created later,
        or another coordinator, would not be seen by the next LabgridPlace.  Stop and
        forget it when it served only this target."""
        try:
            from labgrid.resource.common import ResourceManager  # pylint: disable=C0415
            from labgrid.resource.remote import RemotePlaceManager  # pylint: disable=C0415
        except ImportError:
            return
        mgr = ResourceManager.instances.get(RemotePlaceManager)
        if mgr is None or any(r.target is not self.target for r in mgr.resources):
            return
        try:
            if mgr.session is not None:
                mgr.loop.run_until_complete(mgr.session.stop())
        except Exception:  # pylint: disable=broad-except
            pass
        ResourceManager.instances.pop(RemotePlaceManager, None)

    # -- optional hooks (drivers from env_config) --------------------------------
    def _driver(self, protocol: str):
        if self.target is None:
            raise HarnessError("labgrid place %r is not resolved yet" % self.place)
        try:
            drv = self.target.get_driver(protocol)
        except Exception as exc:  # NoDriverFoundError
            raise HarnessError("the labgrid target of place %r has no %s driver (add one to "
                               "the environment file)" % (self.place, protocol)) from exc
        self.target.activate(drv)
        return drv

    def has_driver(self, protocol: str) -> bool:
        if self.target is None:
            return False
        try:
            self.target.get_driver(protocol, activate=False)
            return True
        except Exception:  # pylint: disable=broad-except
            return False

    def flash(self, elf) -> None:
        """Write ``elf`` with the target's BootstrapProtocol driver (OpenOCD, pyOCD...)."""
        self._driver("BootstrapProtocol").load(str(elf))

    def power_cycle(self) -> None:
        self._driver("PowerProtocol").cycle()

    # -- the harness side --------------------------------------------------------
    def start(self, firmware_elf=None, connect_timeout: float = 10.0) -> Transport:
        """Acquire, resolve, flash ``firmware_elf`` (default: ``self.firmware``'s) when the
        environment has a BootstrapProtocol driver, open the serial connection."""
        _need_labgrid()
        if firmware_elf is None and self.firmware is not None:
            firmware_elf = self.firmware.elf
        try:
            if self.want_acquire:
                self.acquire()
            self.resolve()
            if firmware_elf is not None and self.has_driver("BootstrapProtocol"):
                self.flash(firmware_elf)
            self.transport = open_transport(self.url, baudrate=self.baudrate,
                                            connect_timeout=connect_timeout)
        except BaseException:
            self.close()
            raise
        return self.transport

    def describe(self) -> str:
        return "labgrid place %s at %s" % (self.place, self.url)

    def close(self) -> None:
        self.close_transport()
        if self.env is not None:
            try:
                self.env.cleanup()
            except Exception:  # pylint: disable=broad-except
                pass
            self._drop_session()
            self.env = None
            self.target = None
        self.release()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def labgrid_target(place: str, coordinator: str | None = None, env_config: str | None = None,
                   firmware=None, baudrate: int | None = None) -> LabgridPlace:
    """The board held by labgrid place ``place``; ``firmware`` is flashed when ``env_config``
    gives the target a BootstrapProtocol driver."""
    target = LabgridPlace(place, coordinator=coordinator, env_config=env_config,
                          baudrate=baudrate)
    target.firmware = firmware
    return target
