"""iraqkg: a sourced knowledge graph of Iraq's armed groups, parties, leaders and violence."""

__version__ = "0.1.0"

from .api import build, named_query, open, query, validate  # noqa: E402  (after the version)
from .knowledge_graph import KnowledgeGraph  # noqa: E402
from .rows import Rows  # noqa: E402

__all__ = [
    "KnowledgeGraph",
    "Rows",
    "__version__",
    "build",
    "named_query",
    "open",
    "query",
    "validate",
]
