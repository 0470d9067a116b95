"""float32 implementations: one module per operator stem, registered with OpDef(dtype="float32")
(see ops/base.py). Each follows TFLM's float reference kernel and its order of accumulation.
Every module of this folder is imported (registered) here, in name order."""
import importlib
import pkgutil

for _m in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_m}")
