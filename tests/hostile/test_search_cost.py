"""Ranked search costs one full-text query per statement, however many words ``q`` has.

Issue 14, point 1: ``q=c+c+c+c+c`` ranked on SQLite by a correlated ``bm25`` subquery that ran
the full-text match again for every matching row, once per word (9 s; 40 words over a minute).
The cost is checked structurally here (the statements the database receives and SQLite's
query plan), never by timing.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.http.test_procedures import all_items


@contextmanager
def statements(app):
    """Every (SQL, parameters) the app's engine runs inside the block."""
    engine = app.extensions["opengov"].store.engine
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def _values(parameters) -> list[str]:
    items = parameters.values() if isinstance(parameters, dict) else parameters
    return [v for v in items if isinstance(v, str)]


def _text_queries(seen) -> list[str]:
    """The full-text queries passed: FTS5 MATCH strings or PostgreSQL tsquery text."""
    return [v for _sql, params in seen for v in _values(params)
            if v.endswith('"*') or v.endswith(":*")]


def _ranked_statements(seen) -> list[tuple[str, object]]:
    return [(sql, params) for sql, params in seen if "ORDER BY" in sql
            and ("bm25" in sql or "ts_rank" in sql)]


def _plan(app, sql: str, params) -> str:
    engine = app.extensions["opengov"].store.engine
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        rows = dbapi.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return "\n".join(row[-1] for row in rows)


def _assert_one_match_per_statement(app, seen, backend: str) -> None:
    ranked = _ranked_statements(seen)
    assert ranked, "no ranked statement ran"
    if backend != "sqlite":
        return
    for sql, params in ranked:
        plan = _plan(app, sql, params)
        assert "CORRELATED" not in plan, plan
        assert plan.count("VIRTUAL TABLE") == 1, plan  # the FTS5 index is queried once


def test_repeated_words_reach_the_database_once(loaded_app, backend):
    client = loaded_app.test_client()
    single = client.get("/procedures?q=c&limit=5").get_json()
    with statements(loaded_app) as seen:
        repeated = client.get("/procedures?q=c+c+c+c+c&limit=5")
    assert repeated.status_code == 200
    assert [i["code"] for i in repeated.get_json()["items"]] == \
        [i["code"] for i in single["items"]]
    assert repeated.get_json()["numberMatched"] == single["numberMatched"]
    assert set(_text_queries(seen)) == ({'"c"*'} if backend == "sqlite" else {"c:*"})


def test_a_word_that_begins_another_adds_nothing(loaded_app, backend):
    client = loaded_app.test_client()
    with statements(loaded_app) as seen:
        both = all_items(client, "/procedures?q=k+khai+kh&limit=1000")
    only = all_items(client, "/procedures?q=khai&limit=1000")
    assert [i["code"] for i in both] == [i["code"] for i in only]
    assert set(_text_queries(seen)) == ({'"khai"*'} if backend == "sqlite" else {"khai:*"})


def test_ranked_page_runs_the_full_text_match_once(loaded_app, backend):
    words = " ".join(["c", "d", "th", "ng", "x", "h"] * 7)  # 42 words, 6 distinct
    with statements(loaded_app) as seen:
        response = loaded_app.test_client().get("/procedures", query_string={
            "q": words, "limit": 5})
    assert response.status_code == 200
    _assert_one_match_per_statement(loaded_app, seen, backend)


def test_ranked_pages_follow_one_another_through_cursors(client):
    whole = all_items(client, "/procedures?q=dang+ky&limit=1000")
    paged = all_items(client, "/procedures?q=dang+ky&limit=7")
    assert len(whole) > 14
    assert [i["code"] for i in paged] == [i["code"] for i in whole]


def test_download_with_q_runs_the_full_text_match_once(loaded_app, backend):
    client = loaded_app.test_client()
    with statements(loaded_app) as seen:
        response = client.get("/datasets/procedures/download.csv?q=c+c+c+c+c+d+d+d")
        body = response.get_data(as_text=True)
    assert response.status_code == 200
    listed = all_items(client, "/procedures?q=c+d&limit=1000")
    assert len(body.strip().splitlines()) == len(listed) + 1  # header + one line per record
    assert set(_text_queries(seen)) == ({'"c"* AND "d"*'} if backend == "sqlite"
                                        else {"c:* & d:*"})
    _assert_one_match_per_statement(loaded_app, seen, backend)


def test_ogc_items_with_q_run_the_full_text_match_once(loaded_app, backend):
    with statements(loaded_app) as seen:
        response = loaded_app.test_client().get(
            "/ogc/collections/cameras/items?q=phan+chu+phan+p&limit=3")
    assert response.status_code == 200
    assert response.get_json()["features"]
    _assert_one_match_per_statement(loaded_app, seen, backend)
