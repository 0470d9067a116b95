"""tinyengine-qemu development platform (no downloadable packages)."""
from platformio.public import PlatformBase


class TinyengineqemuPlatform(PlatformBase):
    def is_embedded(self):
        return True

    def configure_default_packages(self, variables, targets):
        # Everything comes from the host system (arm-none-eabi-gcc, qemu-system-arm).
        return super().configure_default_packages(variables, targets)
