import gzip

from flows.sources import Unreadable, discover, kind_of, read_pages


def _pages(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    [file] = [f for f in discover(tmp_path) if f.rel == name]
    return list(read_pages(file, max_bytes=1_000_000))


def test_discovery_is_recursive_sorted_and_skips_hidden_files(tmp_path):
    for name in ["b/page.html", "a.txt", "c/d/e.jsonl.gz", ".hidden.txt", "b/.git/x.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [f.rel for f in discover(tmp_path)] == ["a.txt", "b/page.html", "c/d/e.jsonl.gz"]


def test_kinds_by_extension():
    assert kind_of("x/page.HTM") == ("html", False)
    assert kind_of("page.html.gz") == ("html", True)
    assert kind_of("page.txt.gz") == ("text", True)
    assert kind_of("crawl.jsonl.gz") == ("jsonl", True)
    assert kind_of("notes.pdf") == (None, False)
    assert kind_of("Makefile") == (None, False)


def test_gzipped_text_page_is_read(tmp_path):
    [page] = _pages(tmp_path, "p.txt.gz", gzip.compress("Héllo wörld".encode()))
    assert page.content == "Héllo wörld" and page.format == "text"


def test_unsupported_file_is_a_rejection_naming_the_file(tmp_path):
    [item] = _pages(tmp_path, "docs/notes.pdf", b"%PDF-1.4")
    assert isinstance(item, Unreadable)
    assert item.reason == "unsupported_format" and "docs/notes.pdf" in item.detail


def test_binary_file_with_html_name_is_unreadable(tmp_path):
    [item] = _pages(tmp_path, "image.html", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert isinstance(item, Unreadable) and item.reason == "unreadable" and "PNG" in item.detail


def test_corrupt_gzip_is_unreadable(tmp_path):
    [item] = _pages(tmp_path, "page.html.gz", b"\x1f\x8b\x08\x00garbage")
    assert isinstance(item, Unreadable) and item.reason == "unreadable"


def test_a_cut_jsonl_gz_says_after_which_line_it_breaks_off(tmp_path):
    """The records before the cut are read; the rejection tells the user where the rest was lost."""
    lines = b"".join(b'{"text": "record number %d of the crawl"}\n' % n for n in range(1, 201))
    data = gzip.compress(lines, mtime=0)
    *read, cut = _pages(tmp_path, "crawl.jsonl.gz", data[:len(data) // 2])
    assert read and [p.source for p in read] == [f"crawl.jsonl.gz#{n}" for n in range(1, len(read) + 1)]
    assert (cut.source, cut.reason) == ("crawl.jsonl.gz#end", "unreadable")
    assert f"breaks off or is corrupt after line {len(read)}:" in cut.detail
    [garbage] = _pages(tmp_path, "other.jsonl.gz", b"plain bytes, not gzip")
    assert "breaks off or is corrupt before its first line:" in garbage.detail


def test_jsonl_records_fields_and_bad_lines(tmp_path):
    lines = [
        b'{"url": "https://ex.org/a", "fetched_at": "2021-01-02T03:04:05Z", "title": "T", "text": "Body text"}',
        b'{"html": "<html><body><p>Hi</p></body></html>", "date": "2020-01-01"}',
        b'{"content": "Plain content"}',
        b"",
        b'{"url": "https://ex.org/broken", "text": "cut off',
        b'{"url": "https://ex.org/empty"}',
        b"[1, 2]",
    ]
    items = _pages(tmp_path, "crawl.jsonl", b"\n".join(lines) + b"\n")
    pages = [i for i in items if not isinstance(i, Unreadable)]
    bad = [i for i in items if isinstance(i, Unreadable)]
    assert [p.source for p in pages] == ["crawl.jsonl#1", "crawl.jsonl#2", "crawl.jsonl#3"]
    assert (pages[0].url, pages[0].fetched_at, pages[0].title, pages[0].content_type) == (
        "https://ex.org/a", "2021-01-02T03:04:05Z", "T", "text")
    assert pages[1].content_type == "html" and pages[1].fetched_at == "2020-01-01"
    assert [(b.source, b.reason) for b in bad] == [
        ("crawl.jsonl#5", "unreadable"), ("crawl.jsonl#6", "unreadable"), ("crawl.jsonl#7", "unreadable")]
    assert "invalid JSON" in bad[0].detail and "no 'text', 'html' or 'content'" in bad[1].detail


def test_oversized_record_is_rejected_as_too_large(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 5000)
    [file] = discover(tmp_path)
    [item] = list(read_pages(file, max_bytes=1000))
    assert isinstance(item, Unreadable) and item.reason == "too_large"


def test_a_large_jsonl_file_is_cut_into_pieces_at_line_ends(tmp_path):
    import json

    from flows.sources import split_records

    lines = [json.dumps({"url": f"https://a.example/{n}", "text": f"Page {n}. " + "word " * (n * 7 % 90)}) for n in range(40)]
    lines.insert(5, "")  # a blank line still counts for the numbering
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    [file] = discover(tmp_path)
    pieces = split_records(file, 700)
    assert len(pieces) > 3
    assert pieces[0].start == 0 and pieces[-1].end == file.size
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
    data = (tmp_path / "big.jsonl").read_bytes()
    assert all(data[p.start - 1:p.start] == b"\n" for p in pieces[1:])  # cut after a line end
    whole = [(i.source, i.url) for i in read_pages(file, 10**6)]
    pieced = [(i.source, i.url) for p in pieces for i in read_pages(p, 10**6)]
    assert pieced == whole and len(whole) == 40  # same records, same line numbers
    assert split_records(file, 10**6) == [file]


def test_reading_is_lazy_a_huge_jsonl_line_or_file_is_never_held_whole(tmp_path):
    import hashlib
    import tracemalloc

    huge = b'{"text": "' + b"x" * 30_000_000 + b'"}\n'
    good = b'{"url": "https://example.org/a", "text": "A short honest page of text."}\n'
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(good + huge + good * 20_000)  # 30 MB line among 1.5 MB of records
    [file] = discover(tmp_path)
    tracemalloc.start()
    items = read_pages(file, max_bytes=1_000_000)
    first, second = next(items), next(items)
    rest = sum(1 for _ in items)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000, f"reading held {peak} bytes at once"
    assert first.source == "crawl.jsonl#1" and rest == 20_000
    assert isinstance(second, Unreadable) and (second.reason, second.source) == ("too_large", "crawl.jsonl#2")
    assert second.sha256 == hashlib.sha256(huge).hexdigest() and "30000013 bytes" in second.detail


def test_an_unsupported_file_is_hashed_without_reading_it_whole(tmp_path):
    import hashlib

    data = bytes(range(256)) * 40_000
    [item] = _pages(tmp_path, "dump.bin", data)
    assert item.reason == "unsupported_format" and item.sha256 == hashlib.sha256(data).hexdigest()


def test_a_jsonl_line_just_over_the_cap_is_too_large_and_the_next_line_is_read(tmp_path):
    line = b'{"text": "' + b"y" * 989 + b'"}\n'  # 1,001 bytes with its line end
    good = b'{"text": "A short honest page of text, long enough to be read."}\n'
    (tmp_path / "c.jsonl").write_bytes(line + good)
    [file] = discover(tmp_path)
    first, second = read_pages(file, max_bytes=1000)
    assert (first.reason, first.source) == ("too_large", "c.jsonl#1") and second.source == "c.jsonl#2"


def _crawl_lines(count: int) -> list[str]:
    import json

    lines = [json.dumps({"url": f"https://a.example/{n}", "text": f"Page {n}. " + "word " * (n * 7 % 90)}) for n in range(count)]
    lines[70] = "{not json"
    lines[150] = ""  # a blank line still counts for the numbering
    return lines


def test_a_large_gzipped_jsonl_file_is_cut_into_strided_pieces_that_give_every_record_once(tmp_path):
    """A gzip stream cannot be entered in the middle: a big .jsonl.gz was one batch, cleaned on one
    core. Its strided pieces each read the whole file and give their own records."""
    from flows.sources import MAX_STRIDED_PIECES, split_records

    (tmp_path / "crawl.jsonl.gz").write_bytes(gzip.compress(("\n".join(_crawl_lines(1000)) + "\n").encode(), mtime=0))
    [file] = discover(tmp_path)
    pieces = split_records(file, 10_000)
    assert 1 < len(pieces) <= MAX_STRIDED_PIECES
    def outcome(item):
        return item.source, getattr(item, "url", None) or getattr(item, "reason", None)

    whole = [outcome(i) for i in read_pages(file, 10**6)]
    per_piece = [[outcome(i) for i in read_pages(p, 10**6)] for p in pieces]
    assert sorted(r for piece in per_piece for r in piece) == sorted(whole) and len(whole) == 999
    assert all(piece for piece in per_piece)  # every piece has work
    assert split_records(file, 10**7) == [file]


def test_a_cut_gzipped_file_is_reported_once_by_its_strided_pieces(tmp_path):
    from flows.sources import split_records

    data = gzip.compress(("\n".join(_crawl_lines(1000)) + "\n").encode(), mtime=0)
    (tmp_path / "crawl.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    [file] = discover(tmp_path)
    whole = [(i.source, getattr(i, "reason", None)) for i in read_pages(file, 10**6)]
    pieced = [(i.source, getattr(i, "reason", None)) for p in split_records(file, 5_000) for i in read_pages(p, 10**6)]
    assert sorted(pieced) == sorted(whole)
    assert [r for r in pieced if r[0].endswith("#end")] == [("crawl.jsonl.gz#end", "unreadable")]


def test_a_large_warc_is_cut_into_strided_pieces_that_give_every_record_once(tmp_path):
    from flows.sources import split_records
    from tests.test_bad_inputs import warc_records

    records = [(f"https://w.example/{n}", f"<html><body><p>Page {n} {'word ' * (n % 50)}</p></body></html>".encode(),
                "text/html" if n % 9 else "image/png") for n in range(300)]
    data, plain = warc_records(records), warc_records(records, gzip_records=False)
    for name, content in (("crawl.warc.gz", data), ("cut.warc.gz", data[: len(data) * 3 // 4]),
                          ("crawl.warc", plain), ("cut.warc", plain[: len(plain) * 3 // 4])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / name).write_bytes(content)
        [file] = discover(folder)
        pieces = split_records(file, 10_000)
        assert len(pieces) > 1
        whole = [(i.source, getattr(i, "reason", None)) for i in read_pages(file, 10**6)]
        pieced = [(i.source, getattr(i, "reason", None)) for p in pieces for i in read_pages(p, 10**6)]
        assert sorted(pieced) == sorted(whole) and len(whole) >= 200
        assert len(pieced) == len(set(pieced))


def test_a_utf16_jsonl_file_is_one_rejection_saying_so_not_a_bad_line_each(tmp_path):
    """Each line was rejected as "invalid JSON: str is not valid UTF-8: surrogates not allowed"."""
    import json

    from flows.sources import split_records

    text = "\n".join(json.dumps({"text": f"A page about gardens in spring, number {n}."}) for n in range(400)) + "\n"
    (tmp_path / "crawl.jsonl").write_bytes(text.encode("utf-16"))
    [file] = discover(tmp_path)
    pieces = split_records(file, 5_000)
    assert len(pieces) > 1
    items = [i for p in pieces for i in read_pages(p, 10**6)]
    assert [(i.source, i.reason) for i in items] == [("crawl.jsonl", "unreadable")]
    assert items[0].detail == "crawl.jsonl: UTF-16 text; JSON Lines is UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"


def test_jsonl_takes_the_first_field_with_text_and_sniffs_markup_only_in_text(tmp_path):
    lines = [
        b'{"html": "", "text": "The ferry leaves at nine."}',  # a crawler that left html empty
        b'{"text": null, "content": "The ferry leaves at ten."}',
        b'{"text": "<3 love this ferry, it leaves at eleven."}',  # not markup
        b'{"content": "<div><p>The ferry leaves at noon.</p></div>"}',
        b'{"html": " ", "text": "  "}',
    ]
    items = _pages(tmp_path, "crawl.jsonl", b"\n".join(lines) + b"\n")
    assert [(getattr(i, "content_type", None), getattr(i, "reason", None)) for i in items] == [
        ("text", None), ("text", None), ("text", None), ("html", None), (None, "empty")]
    assert items[0].content == "The ferry leaves at nine." and items[1].content == "The ferry leaves at ten."


def test_jsonl_fetch_times_are_read_or_dropped_never_passed_on_unreadable(tmp_path):
    lines = [b'{"text": "a", "fetched_at": 1683021600}', b'{"text": "b", "fetched_at": 1683021600000}',
             b'{"text": "c", "fetched_at": "Tue, 02 May 2023 10:00:00 GMT"}', b'{"text": "d", "fetched_at": "yesterday"}',
             b'{"text": "e", "fetched_at": NaN}', b'{"text": "f", "date": "2023-05-02"}']
    items = _pages(tmp_path, "crawl.jsonl", b"\n".join(lines) + b"\n")
    assert [i.fetched_at for i in items] == ["2023-05-02T10:00:00Z", "2023-05-02T10:00:00Z",
                                            "Tue, 02 May 2023 10:00:00 GMT", None, None, "2023-05-02"]


def test_jsonl_lines_python_or_a_legacy_charset_wrote_are_read(tmp_path):
    lines = [
        '{"url": " https://ex.org/a ", "text": "Half an emoji \\ud83d at the end of a cut text"}'.encode(),
        ('{"text": "' + GERMAN + '"}').encode("cp1252"),
    ]
    surrogate, legacy = _pages(tmp_path, "crawl.jsonl", b"\n".join(lines) + b"\n")
    assert surrogate.content == "Half an emoji \ufffd at the end of a cut text" and surrogate.url == "https://ex.org/a"
    assert legacy.content == GERMAN


GERMAN = "Der Stadtrat hat am Mittwoch beschlossen, für die Straße „Am Fluß“ neue Radwege zu bauen; die Kosten trägt die Stadt."


def test_a_page_file_is_read_whole_up_to_the_cap_whatever_its_size(tmp_path):
    # read as far as its size says (not a buffer of run.max_input_bytes first), and no further than the cap
    from flows.sources import InputFile

    for size, cap in ((5000, 5000), (5000, 4999), (1, 1000), (0, 1000), (3000, 1000)):
        (tmp_path / "p.txt").write_bytes(b"a" * size)
        [item] = read_pages(InputFile(tmp_path / "p.txt", "p.txt", size), cap)
        if size > cap:
            assert item.reason == "too_large", (size, cap)
        elif size == 0:
            assert item.reason == "empty"
        else:
            assert item.content == "a" * size, (size, cap)


def test_a_page_file_that_grows_while_it_is_read_is_read_on_up_to_the_cap(tmp_path, monkeypatch):
    import os

    from flows.sources import _read_at_most

    path = tmp_path / "p.txt"
    path.write_bytes(b"x" * 3000)
    real_fstat = os.fstat

    def grown_since(fd):  # the size as it was before the last 2,000 bytes were written
        stat = real_fstat(fd)
        return os.stat_result((*stat[:6], stat.st_size - 2000, *stat[7:]))

    monkeypatch.setattr(os, "fstat", grown_since)
    for most in (10, 1000, 1001, 1002, 2999, 3000, 3001, 10_000):
        with open(path, "rb") as handle:
            assert _read_at_most(handle, most) == b"x" * min(3000, most), most
