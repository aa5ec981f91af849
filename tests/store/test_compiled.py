"""Compiled statements run straight on the driver: on PostgreSQL as ``$n`` SQL, so long
statements (a grid walk's many ranges) are not re-parsed by psycopg on every run. The SQL
they send must mean what SQLAlchemy compiled: literal ``%`` signs, a parameter used twice and
more parameters than psycopg caches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Integer, String, bindparam, literal_column, select

from opengov.store.compiled import CompiledStatement, numbered

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
CHUNKS = st.text(alphabet="SELECT ()',=<>aby_0123456789", min_size=0, max_size=8)
TOKENS = st.lists(st.one_of(CHUNKS.map(lambda t: ("text", t)), st.just(("percent", "")),
                            NAMES.map(lambda n: ("param", n))), max_size=30)


@given(TOKENS)
def test_numbered_keeps_the_text_and_numbers_each_name_once(tokens):
    pyformat, expected, order = "", "", []
    for kind, value in tokens:
        if kind == "text":
            pyformat += value
            expected += value
        elif kind == "percent":
            pyformat += "%%"
            expected += "%"
        else:
            pyformat += f"%({value})s"
            if value not in order:
                order.append(value)
            expected += f"${order.index(value) + 1}"
    sql, names = numbered(pyformat)
    assert sql == expected
    assert names == tuple(order)


def test_statements_mean_what_was_compiled(empty_app):
    """A literal ``%``, a name used twice and 80 parameters give the values they were bound
    to, on either backend."""
    store = empty_app.extensions["opengov"].store
    dialect = store.engine.dialect
    a = bindparam("a", type_=String)
    percent = CompiledStatement.of(
        select(literal_column("'50%'", String).concat(a).concat(a)), dialect)
    many = [bindparam(f"p{i}", type_=Integer) for i in range(80)]
    wide = CompiledStatement.of(select(*(m + 1 for m in many)), dialect)
    with store.engine.connect() as conn:
        assert percent.execute(conn, {"a": "x"})[0][0] == "50%xx"
        row = wide.execute(conn, {f"p{i}": i * 10 for i in range(80)})[0]
    assert list(row) == [i * 10 + 1 for i in range(80)]
