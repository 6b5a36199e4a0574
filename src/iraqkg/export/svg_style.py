"""How the network picture looks: its edge kinds' colours, node fills by actor type, line
styles for stated / inferred / claimed ties, and the sizes the layout reckons with."""

from __future__ import annotations

SEED = 20211107
FONT = 11  # px, label text
CHAR = 6.1  # px, average width of a label character at FONT
LEGEND_COLUMN = 250  # px per legend column (2 to 4 columns, as the picture's width allows)
MAX_LABEL = 30  # characters; longer labels are cut (the full one is in the tooltip)

KIND_COLOURS = {
    "affiliatedWith": "#7a7a7a",
    "memberOf": "#1f77b4",
    "partOf": "#17a2b8",
    "foundingFactionOf": "#0b6e79",
    "armedWingOf": "#8c564b",
    "politicalWingOf": "#b5651d",
    "leadershipRoleIn": "#2ca02c",
    "leaderOf": "#1b7a1b",
    "commanderOf": "#0d4d0d",
    "deputyOf": "#6b8e23",
    "chiefOfStaffOf": "#4b5e1f",
    "founderOf": "#a5a514",
    "alliedWith": "#7b4fb0",
    "rivalOf": "#d62728",
    "alignedWith": "#d45fb0",
    "backedBy": "#ff7f0e",
    "fundedBy": "#c8600a",
    "directedBy": "#a0740a",
    "opposedTo": "#b0125e",
    "splitFrom": "#5f6b7a",
    "renamedTo": "#4682b4",
    "designatedTerroristBy": "#7a0000",
    "sanctionedBy": "#a52a2a",
    "childOf": "#c79a1e",
    "succeeded": "#3a5f8f",
    "appointedBy": "#2f8f6f",
    "dismissedBy": "#8f2f4f",
    "mentorOf": "#9a7b4f",
    "detainedBy": "#5a2a2a",
    "represents": "#4f6f9a",
    "frontFor": "#3f4f6a",
    "foughtAlongside": "#6f2f8f",
    "cooperatesWith": "#2f6f8f",
    "negotiatedWith": "#7f7f2f",
    "pressured": "#cf5f2f",
    "threatens": "#9b1d20",
    "accused": "#e0474c",
    "criticised": "#c04070",
    "praised": "#40a070",
    "resents": "#a05060",
    "supported": "#e89a3c",
    "left": "#7a7a7a",
    "withdrewFrom": "#8a8a5a",
    "backedDownFrom": "#9a6a6a",
    "mediatesBetween": "#3f8f5f",
    "seeksToControl": "#8f5f9f",
    "littleControlOver": "#b08fbf",
    "obstructed": "#6f4f2f",
    "defeated": "#5f8f2f",
    "strainedRelationsWith": "#b07a4f",
}
OTHER_COLOUR = "#444444"
# Node fill by the first matching type.
NODE_FILLS = (
    ("Person", "#f4a261", "person"),
    ("ArmedWing", "#e76f51", "armed group"),
    ("ArmedGroup", "#e76f51", "armed group"),
    ("PoliticalParty", "#2a9d8f", "party"),
    ("Coalition", "#3d5a80", "coalition or umbrella"),
    ("UmbrellaOrganization", "#3d5a80", "coalition or umbrella"),
    ("State", "#8ab17d", "state"),
    ("ForeignState", "#8ab17d", "state"),
)
OTHER_FILL = ("#bfc5cc", "other actor")
CONTESTED = "#c00000"


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, OTHER_COLOUR)


def node_fill(types: str) -> tuple[str, str]:
    present = set(types.split())
    for name, fill, group in NODE_FILLS:
        if name in present:
            return fill, group
    return OTHER_FILL


def line_style(data: dict) -> str:
    """ "stated", "inferred" or "claim": how an edge is drawn."""
    if data.get("inferred"):
        return "inferred"
    return "stated" if data.get("status") == "Reported" else "claim"


DASHES = {"stated": None, "inferred": "6 4", "claim": "1.5 3"}


def short_label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"
