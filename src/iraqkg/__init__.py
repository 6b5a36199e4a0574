"""iraqkg: a sourced knowledge graph of Iraq's armed groups, parties, leaders and violence."""

__version__ = "0.1.0"
