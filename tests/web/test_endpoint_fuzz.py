"""Client mistakes never get a 5xx: random queries, headers and bodies meet the endpoint."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", ".", "*",
    "FILTER", "(", ")", "<http://e/x>", '"text"', "1", "OPTIONAL", "UNION", "GRAPH", "FROM",
    "SERVICE", "<http://127.0.0.1:9/>", "PREFIX", "ex:", "ex:a", "#", "\n", "LIMIT", "BIND",
    "AS", "COUNT", "GROUP BY", "VALUES", "INSERT", "DATA", "a", ";", ",", "\\u0053",
]  # fmt: skip
CLIENT_STATUSES = {200, 400, 403, 405, 406, 413, 414, 415}
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_token_soup_never_5xx(app, query: str) -> None:
    response = app.test_client().post("/sparql", data={"query": query})
    assert response.status_code in CLIENT_STATUSES, (query, response.data)


@quick
@given(
    st.text(max_size=60),
    st.sampled_from(["GET", "POST", "PUT", "PATCH"]),
    st.one_of(st.none(), st.text(max_size=40)),
    st.one_of(st.none(), st.text(max_size=40)),
)
def test_random_requests_never_5xx(app, body, method, content_type, accept) -> None:
    headers = {}
    if accept is not None and accept.isprintable() and accept.isascii():
        headers["Accept"] = accept
    if content_type is not None and content_type.isprintable() and content_type.isascii():
        headers["Content-Type"] = content_type
    response = app.test_client().open(
        "/sparql",
        method=method,
        data=body.encode("utf-8", "surrogatepass"),
        query_string={"query": body} if method == "GET" else None,
        headers=headers,
    )
    assert response.status_code in CLIENT_STATUSES, (body, headers, response.data)
