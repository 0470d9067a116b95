"""PlatformIO integration: an offline QEMU development platform and a build hook.

* :mod:`.hook`  -- PRE extra script: compiles ``custom_tinyengine_model(s)`` into C
  during ``pio run`` (works with any PlatformIO platform; standard library only, the
  compiler runs out of process in a Python that has tinyengine-pio).
* :mod:`.estimate` -- weights and a lower bound of the arena without planning (the hook's
  fit check before compiling).
* :mod:`.setup` -- prepares a PlatformIO core dir for fully offline use and
  registers the bundled ``tinyengine-qemu`` platform.
* ``platform/`` -- the ``tinyengine-qemu`` development platform (emulated
  MPS2 Cortex-M boards, system ``arm-none-eabi-gcc``, upload = run in QEMU).
* ``library/``  -- ``library.json`` for using the hook as a PlatformIO library; its
  ``tinyengine_hook.py`` is also the ``tinyengine.py`` shim that ``tinyengine-pio init``
  writes into a project (it finds the installed hook at build time).
"""
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PLATFORM_DIR = os.path.join(PACKAGE_DIR, "platform")
BOARDS_DIR = os.path.join(PLATFORM_DIR, "boards")
HOOK_PATH = os.path.join(PACKAGE_DIR, "hook.py")
LIBRARY_DIR = os.path.join(PACKAGE_DIR, "library")
PLATFORM_NAME = "tinyengine-qemu"
