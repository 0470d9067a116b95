"""int16x8 implementations (16-bit activations, 8-bit weights): one module per operator stem,
registered with OpDef(dtype="int16")
(see ops/base.py). Each is bit-exact with TFLM's int16 reference kernel.
Every module of this folder is imported (registered) here, in name order."""
import importlib
import pkgutil

for _m in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_m}")
