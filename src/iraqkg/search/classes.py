"""Naming classes (and properties) as users and services write them: ``Person``,
``ikg:ArmedGroup``, ``org:Organization`` or a full IRI, and back to the short form."""

from __future__ import annotations

from iraqkg.namespaces import IKG, PREFIXES


def class_iri(text: str) -> str:
    """A term named as a full IRI (``<...>`` optional), a prefixed name of the project's
    prefixes, or an ikg local name, as a full IRI."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if "://" in text:
        return text
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return str(IKG) + text


def short_name(iri: str) -> str:
    """``ArmedGroup`` for ikg terms, a prefixed name for other known namespaces, else the
    IRI: the ids the reconciliation service and the forms show."""
    if iri.startswith(str(IKG)):
        return iri[len(str(IKG)) :]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and prefix != "id":
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
