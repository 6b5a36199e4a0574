"""Data written from the sources by rule rather than by hand: ``data/names.ttl``, which
source calls each entity by which name, and the label report that goes with it.

    from iraqkg.authoring import generate
    run = generate("data", "../shared/sources")
    run.write()                     # data/names.ttl, unless already current
    run.findings.unused()           # labels no source writes
    run.findings.spellings()        # preferred labels the sources spell otherwise
"""

from iraqkg.authoring.name_statements import NAMES_FILE, NamesRun, NameStatement, generate
from iraqkg.authoring.names import Findings, Label, Occurrence, Spelling, find_names

__all__ = [
    "NAMES_FILE",
    "Findings",
    "Label",
    "NameStatement",
    "NamesRun",
    "Occurrence",
    "Spelling",
    "find_names",
    "generate",
]
