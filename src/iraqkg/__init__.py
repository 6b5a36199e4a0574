"""iraqkg: a sourced knowledge graph of Iraq's armed groups, parties, leaders and violence."""

__version__ = "0.1.0"

from .api import build, named_query, query, validate  # noqa: E402  (after the version)

__all__ = ["__version__", "build", "named_query", "query", "validate"]
