import codecs

import pytest

from cleaners.decode import DecodeError, decode_bytes
from cleaners.normalize import fix_text
from tests.conftest import RUN, html_page

TEXT = "Stadtrat beschließt „neue“ Radwege – für 1,2 Millionen €"


def test_windows_1252_page_declared_in_meta():
    html = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'
    assert TEXT in decode_bytes(html.encode("cp1252"), html=True)


def test_page_mislabelled_latin1_is_read_as_windows_1252():
    html = f'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>{TEXT}</p>'
    assert TEXT in decode_bytes(html.encode("cp1252"), html=True)


def test_undeclared_windows_1252_is_detected():
    text = ("Der Stadtrat hat am Mittwoch beschlossen, für die Straße „Am Fluß“ neue Radwege zu bauen. " * 5)
    assert "beschlossen, für die Straße „Am Fluß“" in decode_bytes(text.encode("cp1252"), html=False)


def test_utf8_misdecoded_as_latin1_is_repaired_and_curly_quotes_kept():
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252, the decoding that made the mojibake

    mojibake = "“Quoted” text – it’s fine".encode("utf-8").decode("sloppy-windows-1252")
    assert fix_text(decode_bytes(mojibake.encode("utf-8"), html=False)) == "“Quoted” text – it’s fine"


def test_mojibake_in_html_is_repaired_in_the_article(cleaner):
    import ftfy.bad_codecs  # noqa: F401

    para = "The mayor’s “new” plan – a café on every corner – was approved by the council on Tuesday evening."
    other = " ".join(f"Paragraph {i} of the report goes on about the budget and the roads." for i in range(3))
    html = f"<html><body><article><h1>Plan</h1><p>{para}</p><p>{other}</p><p>{other}</p></article></body></html>"
    mojibake = html.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8")
    kind, rec = cleaner.record(html_page(decode_bytes(mojibake, html=True)), RUN)
    assert kind == "article", rec.get("detail")
    assert para in rec["text"]


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_mark_decides(bom, encoding):
    assert decode_bytes(bom + TEXT.encode(encoding), html=False) == TEXT


@pytest.mark.parametrize("data, name", [
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
    (b"%PDF-1.7\n" + bytes(50), "PDF"),
    (b"abc\x00\x00\x01\x02" * 10, "NUL"),
])
def test_binary_content_is_refused_with_its_kind(data, name):
    with pytest.raises(DecodeError, match=name):
        decode_bytes(data, html=True)


def test_the_mojibake_prefilter_knows_every_first_character_of_the_hint():
    # a page with none of _MOJIBAKE_LEADS is not searched: a lead the hint has and the list lacks
    # would leave that mojibake unrepaired
    from cleaners.decode import _MOJIBAKE_HINT, _MOJIBAKE_LEADS

    leads = {chr(c) for c in range(0x10000) if _MOJIBAKE_HINT.match(chr(c) + "\u0080")}
    assert leads == set(_MOJIBAKE_LEADS)


GERMAN = ("Die Deutsche Bahn will in den nächsten zehn Jahren mehr als zweitausend Stellwerke modernisieren "
          "und dafür rund zwölf Milliarden Euro ausgeben. Viele stammen aus den Fünfzigerjahren.")


@pytest.mark.parametrize("head", ['<meta charset="utf-8">', ""])
def test_utf8_page_with_a_few_bad_bytes_stays_utf8(head):
    # a windows-1252 dash pasted into a UTF-8 page: only that byte is lost, not every umlaut
    html = f"<html><head>{head}</head><body><p>{GERMAN}</p></body></html>".encode("utf-8")
    html = html.replace(b"zweitausend", b"zweitausend \x96", 1)
    text = decode_bytes(html, html=True)
    assert "nächsten" in text and "Fünfzigerjahren" in text and "zwölf" in text
    assert "zweitausend \ufffd" in text


def test_utf8_text_capture_with_one_bad_byte_keeps_its_quotes():
    text = "The keeper’s last winter – a ritual he calls “the best part of the day”.\n" * 3
    data = text.encode("utf-8").replace(b"ritual", b"rit\xfcal", 1)
    decoded = decode_bytes(data, html=False)
    assert "keeper’s last winter – a rit\ufffdal he calls “the best part" in decoded


def test_legacy_page_mislabelled_utf8_is_still_detected():
    # many lone high bytes and no UTF-8 sequence at all: the utf-8 label is not believed
    html = f'<meta charset="utf-8"><p>{TEXT} {GERMAN}</p>'.encode("cp1252")
    assert GERMAN in decode_bytes(html, html=True)


def test_transport_charset_comes_before_the_meta():
    # a WARC record's Content-Type says windows-1251; a template's meta says iso-8859-1
    russian = "Новый мост через Волгу откроют в следующем году, сообщили в администрации города."
    html = f'<meta charset="iso-8859-1"><p>{russian}</p>'.encode("cp1251")
    assert russian in decode_bytes(html, html=True, charset="windows-1251")
    assert russian in decode_bytes(html, html=True, charset='"Windows-1251"')


@pytest.mark.parametrize("label, text, codec", [
    ("shift_jis", "①番の髙橋さん", "cp932"),  # NEC and IBM extensions: what browsers read as Shift_JIS
    ("euc-kr", "똠방각하", "cp949"),  # Hangul outside KS X 1001
    ("gb2312", "镕基", "gb18030"),
])
def test_labels_are_read_as_browsers_read_them(label, text, codec):
    html = f'<meta charset="{label}"><p>{text}</p>'.encode(codec)
    assert text in decode_bytes(html, html=True)


def test_declared_legacy_charset_with_an_undefined_byte_is_kept():
    # 0x81 is undefined in windows-1252: one bad byte does not throw the declaration away
    html = f'<meta charset="windows-1252"><p>{TEXT} {GERMAN}</p>'.encode("cp1252").replace(b"Radwege", b"Rad\x81wege")
    text = decode_bytes(html, html=True)
    assert "Stadtrat beschließt „neue“ Rad\ufffdwege – für 1,2 Millionen €" in text
