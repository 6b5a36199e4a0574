"""networkx, imported when first used.

Importing it costs more than the rest of ``iraqkg serve``'s start-up (about 0.3 s of CPU on
the development machine, measured with ``python -X importtime``), and only the network
pages and exports use it. ``importlib.util.LazyLoader`` is the standard library's way to
defer a module: the import runs on the first attribute read (``nx.MultiDiGraph``).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def _lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"{name} is not installed")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


nx = _lazy("networkx")
