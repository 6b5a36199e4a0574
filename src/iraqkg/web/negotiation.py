"""Choosing the response format: the ``format`` parameter first, then the Accept header.

Pure functions over strings (no Flask), so query workers can call them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from iraqkg.engines.formats import Format, find_format, formats_for, is_known


class NotAcceptable(Exception):
    """No format the client accepts can carry this kind of result (HTTP 406)."""

    def __init__(self, message: str, available: tuple[str, ...]) -> None:
        super().__init__(message, available)
        self.message = message
        self.available = available

    def __str__(self) -> str:
        return self.message


def best_offer(accept: str | None, offers: Sequence[str]) -> str | None:
    """The client's preferred offer (ties go to the earlier offer); first offer if no Accept."""
    if accept is None or not accept.strip():
        return offers[0]
    return parse_accept_header(accept, MIMEAccept).best_match(offers)


@lru_cache(maxsize=512)  # pure, and clients send the same few Accept headers
def choose_format(kind: str, accept: str | None, format_params: Sequence[str] = ()) -> Format:
    """The format to answer a ``kind`` result in ("select", "ask" or "graph").

    Several ``format`` values are allowed when they agree: SPARQLWrapper sends both a
    short name and a media type list (format=json-ld&format=application/ld+json,
    application/x-json+ld). Values that name no format at all are ignored, so the Accept
    header decides; a format of the other kind (csv for CONSTRUCT) is a 406.
    """
    formats = formats_for(kind)
    available = tuple(f.media_type for f in formats)
    label = "CONSTRUCT/DESCRIBE" if kind == "graph" else kind.upper()
    format_params = tuple(
        value for value in _split(format_params) if is_known(value) or find_format(kind, value)
    )
    if format_params:
        chosen = {find_format(kind, value) for value in format_params}
        if None in chosen:
            raise NotAcceptable(
                f"format={','.join(format_params)} cannot carry {label} results; use one of "
                + ", ".join(n for f in formats for n in f.names[:1]),
                available,
            )
        if len(chosen) > 1:
            raise NotAcceptable(f"conflicting format parameters {list(format_params)}", available)
        return chosen.pop()  # type: ignore[return-value]
    offers = [media for fmt in formats for media in fmt.offers]
    best = best_offer(accept, offers)
    if best is None:
        raise NotAcceptable(
            f"no acceptable format for {label} results (Accept: {accept}); available: "
            + ", ".join(available),
            available,
        )
    return next(fmt for fmt in formats if best in fmt.offers)


def _split(values: Sequence[str]) -> list[str]:
    """Each ``format`` value, comma-separated lists of media types split (SPARQLWrapper)."""
    found = []
    for value in values:
        parts = [part.strip() for part in value.split(",")] if "," in value else [value]
        known = [part for part in parts if is_known(part)]
        found += known[:1] if len(parts) > 1 else parts
    return found
