"""PlatformIO integration: an offline QEMU development platform and a build hook.

* :mod:`.hook`  -- PRE extra script: compiles ``custom_tinyengine_model`` into C
  during ``pio run`` (works with any PlatformIO platform).
* :mod:`.setup` -- prepares a PlatformIO core dir for fully offline use and
  registers the bundled ``tinyengine-qemu`` platform.
* ``platform/`` -- the ``tinyengine-qemu`` development platform (emulated
  MPS2 Cortex-M boards, system ``arm-none-eabi-gcc``, upload = run in QEMU).
* ``library/``  -- ``library.json`` for using the hook as a PlatformIO library.
"""
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PLATFORM_DIR = os.path.join(PACKAGE_DIR, "platform")
BOARDS_DIR = os.path.join(PLATFORM_DIR, "boards")
HOOK_PATH = os.path.join(PACKAGE_DIR, "hook.py")
LIBRARY_DIR = os.path.join(PACKAGE_DIR, "library")
PLATFORM_NAME = "tinyengine-qemu"
