"""Property-based tests for the small parsers and encoders every request goes through."""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.cursor import Cursor, CursorError
from opengov.geo.bbox import BBoxError, parse_bbox
from opengov.text import fold, search_document, tokens

lon = st.floats(-180, 180, allow_nan=False)
lat = st.floats(-90, 90, allow_nan=False)


@given(lon, lat, lon, lat)
def test_bbox_round_trips_valid_boxes(x1, y1, x2, y2):
    minx, maxx = sorted((x1, x2))
    miny, maxy = sorted((y1, y2))
    box = parse_bbox(f"{minx!r},{miny!r},{maxx!r},{maxy!r}")
    assert box.as_tuple() == (minx, miny, maxx, maxy)


@given(st.text(max_size=40))
def test_bbox_never_raises_anything_but_bbox_error(text):
    try:
        box = parse_bbox(text)
    except BBoxError:
        return
    assert all(math.isfinite(v) for v in box.as_tuple())
    assert box.minx <= box.maxx and box.miny <= box.maxy


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "1,2,0,3", "0,5,1,4", "nan,0,1,1",
                                  "-181,0,0,1", "0,-91,1,1", "1,2,3,4,5", "inf,0,1,1"])
def test_bbox_rejects_bad_input(text):
    with pytest.raises(BBoxError):
        parse_bbox(text)


def test_bbox_accepts_six_values_and_ignores_heights():
    assert parse_bbox("108,15,0,109,16,100").as_tuple() == (108, 15, 109, 16)


storable_text = st.text(st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\x00"), max_size=20)
typed_values = st.one_of(
    st.tuples(st.just("integer"), st.integers(-2**63, 2**63 - 1)),
    st.tuples(st.just("number"), st.floats(allow_nan=False, allow_infinity=False)),
    st.tuples(st.just("string"), storable_text),
    st.tuples(st.just("boolean"), st.booleans()),
    st.tuples(st.just("date"), st.dates(date(1000, 1, 1), date(8999, 12, 31))),
    st.tuples(st.just("datetime"), st.datetimes(datetime(1000, 1, 2), datetime(8999, 12, 30),
                                                timezones=st.just(UTC))),
    st.tuples(st.sampled_from(["integer", "string", "datetime"]), st.none()))


@given(st.lists(typed_values, min_size=1, max_size=4), st.sampled_from(["next", "prev"]))
def test_cursor_round_trips(pairs, direction):
    types, values = zip(*pairs, strict=True)
    cursor = Cursor(tuple(values), direction)
    token = cursor.encode()
    assert token.isascii() and "=" not in token
    back = Cursor.decode(token, types)
    assert back == cursor


@given(st.text(max_size=60))
def test_cursor_decode_rejects_garbage_cleanly(token):
    try:
        Cursor.decode(token, ("string", "string"))
    except CursorError:
        pass


def test_cursor_with_wrong_width_is_rejected():
    token = Cursor(("a", 1)).encode()
    with pytest.raises(CursorError):
        Cursor.decode(token, ("string", "integer", "string"))


def test_cursor_keeps_dates_and_times_typed():
    when = datetime(2025, 7, 1, 1, 2, 3, tzinfo=UTC)
    back = Cursor.decode(Cursor((date(2025, 7, 1), when)).encode(), ("date", "datetime"))
    assert back.key == (date(2025, 7, 1), when)


@pytest.mark.parametrize("text, folded", [
    ("Đăng ký khai sinh", "dang ky khai sinh"),
    ("ĐIỆN BÀN", "dien ban"),
    ("Quảng Nam", "quang nam"),
    ("Thủ tục cấp lại", "thu tuc cap lai"),
])
def test_fold_known_vietnamese(text, folded):
    assert fold(text) == folded


vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩị"
                              "òóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ AÁ0123456789", max_size=40)


@given(vietnamese)
def test_fold_is_idempotent_ascii_and_case_insensitive(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert fold(text.upper()) == folded
    assert folded.isascii()
    assert fold(unicodedata.normalize("NFD", text)) == folded


def _fold_by_character(text: str) -> str:
    """fold's definition, one character at a time: đ → d, decomposed, no combining marks,
    case folded."""
    for d in ("đ", "Đ", "ð", "Ð"):
        text = text.replace(d, "d")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch)).casefold()


@given(st.one_of(vietnamese, st.text(max_size=40),
                 st.text(alphabet="ắẰ\u0301\u034f\u0360ǅøß①Ａ中 -x", max_size=20)))
def test_fold_drops_exactly_the_combining_marks(text):
    assert fold(text) == _fold_by_character(text)


@given(vietnamese)
def test_search_document_tokens_are_folded_words(text):
    doc = search_document(text)
    assert doc.split() == tokens(text)
    assert all(t.isalnum() and t.isascii() for t in doc.split())


@given(st.lists(st.text(max_size=300), max_size=60), st.integers(1, 2000))
def test_buffered_keeps_every_byte_in_order(chunks, size):
    from opengov.encoders import buffered

    blocks = list(buffered(chunks, size))
    assert b"".join(blocks) == "".join(chunks).encode()
    assert all(blocks)
