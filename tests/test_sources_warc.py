"""WARC input: response records with HTML payloads become pages; nothing else is lost silently."""
import base64
import gzip
import hashlib
import io
import re

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.config import Settings
from flows.run import clean_pass
from flows.sources import Unreadable, discover, kind_of, read_pages
from tests.test_run import read_feed

PAGE = ("<html><head><title>Ferry timetable changes</title></head><body><article><h1>Ferry timetable changes</h1>"
        "<p>From the first of June the morning ferry leaves the harbour twenty minutes earlier, so that walkers "
        "can reach the island before the heat of the day. The evening return stays at six o'clock.</p>"
        "<p>Season tickets bought before June remain valid for every crossing until the end of September.</p>"
        "</article></body></html>")


def warc_bytes(gzip: bool = True) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))

    def response(url, body: bytes, kind: str, date: str):
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)

    request = writer.create_warc_record("https://island.example/ferry", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
    writer.write_record(request)
    response("https://island.example/ferry", PAGE.encode("utf-8"), "text/html; charset=utf-8", "2023-05-20T08:00:00Z")
    response("https://island.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", "2023-05-20T08:00:01Z")
    return out.getvalue()


def _read(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    [file] = discover(tmp_path)
    return list(read_pages(file, max_bytes=1_000_000))


def test_warc_names_are_archives():
    assert kind_of("crawl/2023.warc.gz") == ("warc", True)
    assert kind_of("x.warc") == ("warc", False)


def test_html_responses_become_pages_with_url_and_fetch_date(tmp_path):
    for gzipped in (True, False):
        folder = tmp_path / str(gzipped)
        folder.mkdir()
        items = _read(folder, "crawl.warc.gz" if gzipped else "crawl.warc", warc_bytes(gzipped))
        pages = [i for i in items if not isinstance(i, Unreadable)]
        [page] = pages
        assert (page.url, page.fetched_at, page.format, page.content_type) == (
            "https://island.example/ferry", "2023-05-20T08:00:00Z", "warc", "html")
        assert page.source.startswith("crawl.warc") and page.source.endswith("#3")  # warcinfo, request, response
        assert "morning ferry" in page.content
        [image] = [i for i in items if isinstance(i, Unreadable)]
        assert image.reason == "unsupported_format" and "image/png" in image.detail


def test_an_archive_cut_anywhere_says_so_after_the_records_it_gave(tmp_path):
    for gzipped in (True, False):
        data = warc_bytes(gzipped)
        for cut in range(40, len(data), 61):  # in headers, in payloads, between gzip members
            folder = tmp_path / f"{gzipped}-{cut}"
            folder.mkdir()
            items = _read(folder, "crawl.warc.gz" if gzipped else "crawl.warc", data[:cut])
            broken = [i for i in items if isinstance(i, Unreadable) and i.reason == "unreadable"]
            assert len(broken) == 1 and items[-1] is broken[0], (gzipped, cut, items)
            assert "breaks off or is corrupt" in broken[0].detail and "crawl.warc" in broken[0].detail
            sources = [i.source for i in items]
            assert len(sources) == len(set(sources))  # the rejection never reuses a page's source


def test_garbage_with_a_warc_name_is_one_rejection(tmp_path):
    [item] = _read(tmp_path, "crawl.warc", b"this is not an archive at all\n" * 10)
    assert isinstance(item, Unreadable) and item.reason == "unreadable"


def test_a_warc_goes_through_the_whole_pass(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "crawl.warc.gz").write_bytes(warc_bytes())
    report = clean_pass(Settings(), raw, out)
    assert (report["articles"], report["rejected_by_reason"]) == (1, {"unsupported_format": 1})
    [article] = read_feed(out, "articles")
    assert article["url"] == "https://island.example/ferry"
    assert article["provenance"]["fetched_at"] == "2023-05-20T08:00:00Z" and article["provenance"]["format"] == "warc"


def _with_content_length(data: bytes, record: int, change: int) -> bytes:
    """The uncompressed archive with the Content-Length of its `record`th record (from 1) changed."""
    starts = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)]
    length = re.compile(rb"Content-Length: (\d+)\r\n").search(data, starts[record - 1])
    return data[:length.start(1)] + str(int(length.group(1)) + change).encode() + data[length.end(1):]


def test_a_record_longer_than_its_content_length_is_rejected_not_given_cut_short(tmp_path, capsys):
    """warcio reads such a record up to the stated length (the page would lose its end), warns on
    stderr and reads on: the record is a rejection, the records after it are read, and nothing is
    printed over the run's progress."""
    for change in (-1, -40, -200):
        folder = tmp_path / str(change)
        folder.mkdir()
        items = _read(folder, "crawl.warc", _with_content_length(warc_bytes(gzip=False), 3, change))
        assert [(i.source, i.reason) for i in items] == [("crawl.warc#3", "unreadable"), ("crawl.warc#4", "unsupported_format")]
        assert items[0].detail == "crawl.warc#3: the record runs past its stated Content-Length: its content is cut short"
    assert capsys.readouterr().err == ""


def test_corrupt_archives_are_explained_in_words_not_in_library_internals(tmp_path):
    """A header cut before its target URI made warcio fail with "'NoneType' object has no attribute
    'startswith'", and bytes where a record should start were quoted raw (binary in gzip members)."""
    data = warc_bytes(gzip=False)
    response = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)][2]
    target = data.index(b"WARC-Target-URI", response)
    details = []
    for name, cut in (("header.warc", data[:data.index(b"\r\n\r\n", response)] + b"\r\n\r\n"),
                      ("noise.warc", data + bytes(range(128, 256)) * 4),
                      ("nouri.warc", data[:target] + data[data.index(b"\r\n", target) + 2:])):
        folder = tmp_path / name
        folder.mkdir()
        [*_, last] = _read(folder, name, cut)
        assert isinstance(last, Unreadable) and last.reason == "unreadable"
        details.append(last.detail)
    assert all(d.isascii() and d.isprintable() and "NoneType" not in d and "attribute" not in d for d in details), details
    assert any("does not start with a WARC header" in d for d in details), details
    assert any("is cut off or malformed" in d for d in details), details


def _without_header(data: bytes, name: bytes) -> bytes:
    return re.sub(rb"\r\n" + name + rb": [^\r]*", b"", data)


def test_a_record_whose_content_fails_its_digest_is_rejected_not_given_altered(tmp_path):
    """A byte changed inside a payload of an uncompressed archive (no gzip check to catch it) was
    given as a page; the record's digest tells. Every digest form counts: the block digest, and
    the payload digest when the block digest is absent."""
    data = warc_bytes(gzip=False)
    flipped = data.replace(b"morning ferry", b"Morning ferry")
    for name, archive in (("both.warc", flipped), ("payload.warc", _without_header(flipped, b"WARC-Block-Digest"))):
        folder = tmp_path / name
        folder.mkdir()
        items = _read(folder, name, archive)
        assert [(i.source, i.reason) for i in items] == [(f"{name}#3", "unreadable"), (f"{name}#4", "unsupported_format")]
        digest = "WARC-Block-Digest" if name == "both.warc" else "WARC-Payload-Digest"
        assert items[0].detail == f"{name}#3: the record's content does not match its {digest}: the archive is corrupt"
    # an archive whose records carry no digest cannot tell: the page is given as it is
    undigested = _without_header(_without_header(flipped, b"WARC-Block-Digest"), b"WARC-Payload-Digest")
    (tmp_path / "plain").mkdir()
    [page, _] = _read(tmp_path / "plain", "plain.warc", undigested)
    assert not isinstance(page, Unreadable) and "Morning ferry" in page.content


def _chunked_warc(payload_digest_over_chunks: bool) -> bytes:
    """A response sent with Transfer-Encoding: chunked, its payload digest taken after (the WARC
    standard) or before (wget, wpull, older Heritrix) undoing the chunking."""
    body = PAGE.encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    record = writer.create_warc_record("https://island.example/ferry", "response", payload=io.BytesIO(chunked),
                                       http_headers=http)
    writer.write_record(record)
    data = out.getvalue()
    if not payload_digest_over_chunks:
        standard = b"sha1:" + base64.b32encode(hashlib.sha1(body).digest())
        data = re.sub(rb"WARC-Payload-Digest: [^\r]*", b"WARC-Payload-Digest: " + standard, data)
    return data


def test_crawlers_disagreeing_on_chunked_payload_digests_lose_no_page(tmp_path):
    """Crawlers disagree on whether the payload digest of a chunked response covers the chunks:
    either convention gives the page, with or without a block digest beside it."""
    for over_chunks in (True, False):
        for keep_block in (True, False):
            data = _chunked_warc(over_chunks)
            if not keep_block:
                data = _without_header(data, b"WARC-Block-Digest")
            folder = tmp_path / f"{over_chunks}-{keep_block}"
            folder.mkdir()
            [page] = _read(folder, "chunked.warc", data)
            assert not isinstance(page, Unreadable), (over_chunks, keep_block, page)
            assert "morning ferry" in page.content


def test_compressed_responses_become_pages_and_a_cut_one_is_rejected(tmp_path, capsys):
    """warcio decodes no br with today's brotli package (its page was rejected as "binary content")
    and no zstd at all; a gzip body cut short was given as a shorter page, with a message on stderr."""
    import brotli
    import zstandard

    body = PAGE.encode()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for name, coding, data in (("br", "br", brotli.compress(body)),
                               ("zstd", "zstd", zstandard.ZstdCompressor().compress(body)),
                               ("gzip", "gzip", gzip.compress(body)),
                               ("cut", "gzip", gzip.compress(body + b"<p>" + bytes(range(256)) * 64 + b"</p>")[:-600])):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", coding)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://island.example/{name}", "response",
                                                      payload=io.BytesIO(data), http_headers=http))
    items = _read(tmp_path, "crawl.warc.gz", out.getvalue())
    pages = [i for i in items if not isinstance(i, Unreadable)]
    assert [p.url for p in pages] == ["https://island.example/br", "https://island.example/zstd", "https://island.example/gzip"]
    assert all("morning ferry" in p.content for p in pages)
    assert len({p.sha256 for p in pages}) == 1  # the page's bytes, whatever the coding it was sent in
    [cut] = [i for i in items if isinstance(i, Unreadable)]
    assert (cut.source, cut.reason) == ("crawl.warc.gz#4", "unreadable")
    assert cut.detail == "crawl.warc.gz#4: https://island.example/cut: its gzip-compressed body is cut short"
    assert capsys.readouterr().err == ""


def _warc_of(records) -> bytes:
    """A gzipped WARC of (record type, url, http status line or None, content type, body, extra WARC headers)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for rec_type, url, status, kind, body, extra in records:
        http = None
        if status is not None:
            headers = [("Content-Type", kind)] if kind else []
            http = StatusAndHeaders(status, headers + list(extra.pop("http", [])), protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": "2023-05-20T08:00:00Z", **extra}
        if status is None and kind:
            warc_headers["Content-Type"] = kind
        writer.write_record(writer.create_warc_record(url, rec_type, payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict=warc_headers))
    return out.getvalue()


def test_http_errors_and_redirects_are_rejected_not_given_as_articles(tmp_path):
    error_page = b"<html><head><title>Oops! That page can't be found.</title></head><body><p>" + b"Sorry. " * 40 + b"</p>"
    data = _warc_of([
        ("response", "https://island.example/gone", "404 Not Found", "text/html", error_page, {}),
        ("response", "https://island.example/broken", "500 Internal Server Error", "text/html", error_page, {}),
        ("response", "https://island.example/old", "301 Moved Permanently", "text/html", error_page,
         {"http": [("Location", "https://island.example/new")]}),
        ("response", "https://island.example/ferry", "200 OK", "text/html", PAGE.encode(), {}),
    ])
    items = _read(tmp_path, "crawl.warc.gz", data)
    assert [getattr(i, "reason", "page") for i in items] == ["http_status", "http_status", "http_status", "page"]
    assert "404 Not Found" in items[0].detail and "https://island.example/new" in items[2].detail
    # a rejection keeps what the record says of the page: its URL and fetch time
    assert (items[0].url, items[0].fetched_at) == ("https://island.example/gone", "2023-05-20T08:00:00Z")


def test_rejections_in_the_feed_carry_the_url_and_fetch_time(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "crawl.warc.gz").write_bytes(_warc_of([
        ("response", "https://island.example/timetable.pdf", "200 OK", "application/pdf", b"%PDF-1.7\n", {})]))
    clean_pass(Settings(), raw, out)
    [rejected] = read_feed(out, "rejected")
    assert rejected["reason"] == "unsupported_format" and rejected["url"] == "https://island.example/timetable.pdf"
    assert rejected["provenance"]["fetched_at"] == "2023-05-20T08:00:00Z"


def test_http_charset_decides_over_a_template_meta(tmp_path):
    russian = "Строительство нового моста через Волгу близится к завершению, сообщили в администрации."
    body = f'<html><head><meta charset="iso-8859-1"><title>Мост</title></head><body><p>{russian}</p></body></html>'
    data = _warc_of([("response", "https://city.example/most", "200 OK", "text/html; charset=windows-1251",
                      body.encode("cp1251"), {})])
    [page] = _read(tmp_path, "crawl.warc.gz", data)
    assert russian in page.content


def test_a_response_of_no_stated_type_is_sniffed(tmp_path):
    data = _warc_of([
        ("response", "https://island.example/ferry", "200 OK", "", PAGE.encode(), {}),
        ("response", "https://island.example/blob", "200 OK", "", b"\x00\x01binary" * 10, {}),
    ])
    page, blob = _read(tmp_path, "crawl.warc.gz", data)
    assert not isinstance(page, Unreadable) and "morning ferry" in page.content
    assert blob.reason == "unsupported_format" and "of no stated type" in blob.detail


def test_a_response_the_crawler_cut_short_is_rejected_as_truncated(tmp_path):
    data = _warc_of([("response", "https://island.example/ferry", "200 OK", "text/html", PAGE.encode()[:200],
                      {"WARC-Truncated": "length"})])
    [item] = _read(tmp_path, "crawl.warc.gz", data)
    assert item.reason == "truncated" and "WARC-Truncated: length" in item.detail


def test_an_html_resource_record_is_a_page_and_a_warc_without_pages_says_so(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    data = _warc_of([("resource", "https://island.example/ferry", None, "text/html", PAGE.encode(), {}),
                     ("resource", "urn:screenshot:https://island.example/", None, "image/png", b"\x89PNG", {})])
    [page] = _read(tmp_path / "a", "crawl.warc.gz", data)
    assert page.url == "https://island.example/ferry" and "morning ferry" in page.content
    only_revisits = _warc_of([("revisit", "https://island.example/ferry", "200 OK", "text/html", b"", {}),
                              ("request", "https://island.example/ferry", None, "", b"GET / HTTP/1.1\r\n\r\n", {})])
    [empty] = _read(tmp_path / "b", "crawl.warc.gz", only_revisits)
    assert empty.reason == "empty" and "no response record" in empty.detail and "1 revisit" in empty.detail
