"""tinyengine-qemu development platform (no downloadable packages)."""
import os

from platformio.public import PlatformBase


class TinyengineqemuPlatform(PlatformBase):
    def is_embedded(self):
        return True

    def configure_default_packages(self, variables, targets):
        # Everything comes from the host system (arm-none-eabi-gcc, qemu-system-arm); only
        # PlatformIO's own SCons must be provided offline, which `tinyengine-pio setup` does.
        try:
            from platformio.project.config import ProjectConfig
            core = ProjectConfig.get_instance().get("platformio", "core_dir")
        except Exception:  # pylint: disable=broad-except
            core = os.environ.get("PLATFORMIO_CORE_DIR", os.path.expanduser("~/.platformio"))
        if not os.path.isfile(os.path.join(core, "packages", "tool-scons", "scons.py")):
            print("tinyengine-qemu: PlatformIO's build tool (tool-scons) is not installed for "
                  "offline use in %s; run `tinyengine-pio setup` once (no network needed), "
                  "then `pio run` again." % core)
        return super().configure_default_packages(variables, targets)
