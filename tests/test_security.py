"""Security (issue 6, item 7): output names never come from page content nor leave clean/;
credentials in URLs are redacted in every record; the config is parsed safely and bounded;
cleaning opens no network connection; the Prefect server `serve` starts listens on localhost only.

(The HTML run report's escaping is tested with the report, in tests/test_report_html.py.)
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaners.document import REDACTED, redact_url
from flows.config import CONFIG_MAX_BYTES, ConfigError, Settings, load_settings
from flows.run import clean_batch, clean_pass
from tests.conftest import REPO, SEEDS_RAW
from tests.test_bad_inputs import article_html, article_text
from tests.test_run import read_feed


def inline(specs):
    """Batches cleaned in this process (so that a monkeypatch here applies to the cleaning)."""
    return map(clean_batch, specs)


# ---------------------------------------------------------------- output names

HOSTILE = ["/etc/passwd", "../../../../tmp/winnow-escape", "..", ".", "CON", "x\x00y", "-rf", ".bashrc",
           "\u202eevil\u202cgpj.exe", "ＣＯＮ", "a/b", "a:b", "a*b?c", "é" * 200, "日本語" * 40, "x" * 300]


def _hostile_raw(raw: Path) -> None:
    lines = []
    for n, name in enumerate(HOSTILE):
        title = name.replace("\x00", "")
        lines.append(json.dumps({"id": name, "title": title, "url": f"file:///{name}",
                                 "html": article_html(900 + n).replace("<title>", f"<title>{title} ")}))
    (raw / "hostile.jsonl").write_text("\n".join(lines) + "\n")
    (raw / "pages").mkdir()
    names = ["%2e%2e%2f%2e%2e%2fescape.html", "CON.html", "-rf.txt", "ＣＯＮ.html", " .html", "a;b&c.txt"]
    for n, name in enumerate(names):
        (raw / "pages" / name).write_text(article_text(950 + n) if name.endswith(".txt") else article_html(950 + n))


_FEED_NAME = re.compile(
    r"(articles|rejected)/(?P<run>\d{8}T\d{6}Z-[0-9a-f]{6})-\d{5}\.jsonl(\.gz)?"
    r"|runs/(?P<report>\d{8}T\d{6}Z-[0-9a-f]{6})\.(json|html)"
    r"|manifest\.json|\.lock|\.winnow\.lock|state/winnow\.sqlite(-wal|-shm|-journal)?")


def test_output_names_never_come_from_page_content_and_stay_in_clean(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    _hostile_raw(raw)
    around = tmp_path.parent
    before = {p.name for p in around.iterdir()}
    report = clean_pass(Settings(), raw, out)
    assert report["articles"] + report["rejected"] == len(HOSTILE) + 6
    assert {p.name for p in around.iterdir()} == before  # nothing new beside this test's folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "raw"]
    root = out.resolve()
    for path in out.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(root), path
        if path.is_file():
            rel = path.relative_to(out).as_posix()
            assert _FEED_NAME.fullmatch(rel), rel  # made of the run id, a batch number, fixed names only
            assert len(path.name.encode()) <= 200
    assert not Path("/tmp/winnow-escape").exists() and not Path("/etc/passwd.json").exists()


# ---------------------------------------------------------------- credentials in URLs

SECRETS = {  # url -> the secret that must not appear anywhere in clean/
    "https://alice:hunter2secret@intranet.example/post/1": "hunter2secret",
    "https://news.example/story?id=7&token=tok3nV4lue9": "tok3nV4lue9",
    "https://bucket.s3.amazonaws.com/page.html?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101"
    "&X-Amz-Signature=5ig5ig5ig": "AKIAIOSFODNN7EXAMPLE",
    "https://shop.example/item;jsessionid=SESS10N1D?color=red": "SESS10N1D",
    "https://app.example/callback?code=0authC0de&state=abc": "0authC0de",
    "https://blog.example/reset?key=RESETKEY42": "RESETKEY42",
    "https://blog.example/post#access_token=fragmentTok3n&expires=3600": "fragmentTok3n",
    "https://api.example/feed?api_key=K3Y&apiKey=K3Y2&client_secret=CL13NT&password=PA55&sig=S1G&PHPSESSID=PHP5":
        "PA55",
}


@pytest.mark.parametrize("url, redacted", [
    ("https://alice:hunter2@ex.org/a?x=1", "https://ex.org/a?x=1"),
    ("https://alice@ex.org/a", "https://ex.org/a"),
    ("https://ex.org/p?token=abc&page=2", f"https://ex.org/p?token={REDACTED}&page=2"),
    ("https://ex.org/p?Access-Token=abc", f"https://ex.org/p?Access-Token={REDACTED}"),
    ("https://ex.org/p?refresh_token=a&id_token=b", f"https://ex.org/p?refresh_token={REDACTED}&id_token={REDACTED}"),
    ("https://s3.example/k?X-Amz-Signature=dead&X-Amz-Credential=AKIA",
     f"https://s3.example/k?X-Amz-Signature={REDACTED}&X-Amz-Credential={REDACTED}"),
    ("https://ex.org/cb?code=xyz&state=s", f"https://ex.org/cb?code={REDACTED}&state=s"),
    ("https://ex.org/#access_token=tok&x=1", f"https://ex.org/#access_token={REDACTED}&x=1"),
    ("https://ex.org/shop;jsessionid=ABC?item=1", f"https://ex.org/shop;jsessionid={REDACTED}?item=1"),
    ("https://ex.org/a?sid=1&PHPSESSID=2&session_id=3&auth=4&sig=5&signature=6&apikey=7&secret=8&pwd=9",
     "https://ex.org/a?" + "&".join(f"{k}={REDACTED}" for k in
                                    "sid PHPSESSID session_id auth sig signature apikey secret pwd".split())),
    ("https://ex.org/a?pass%77ord=x", f"https://ex.org/a?pass%77ord={REDACTED}"),  # the name read unquoted
])
def test_redaction_rule(url, redacted):
    assert redact_url(url) == redacted


@pytest.mark.parametrize("url", ["https://ex.org/a", "https://ex.org/a#comments", "https://ex.org/a?q=tokens+of+love",
                                 "https://ex.org/a?utm_source=x&page=2", "HTTPS://EX.ORG//a/?", "not a url", "", None,
                                 "http://[::1", "https://ex.org/a?keyword=x&monkey=y"])
def test_urls_without_credentials_are_left_byte_for_byte(url):
    assert redact_url(url) == url


def _warc(records: list[tuple[str, bytes, str]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body, kind in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": "2024-03-01T10:00:00Z"}))
    return out.getvalue()


def test_no_credential_in_a_url_reaches_any_file_of_the_feed(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    urls = list(SECRETS)
    lines = [json.dumps({"url": url, "text": article_text(800 + n)}) for n, url in enumerate(urls[:4])]
    lines.append(json.dumps({"url": urls[4], "text": "Too short to keep."}))  # a rejection carries the url too
    lines.append(json.dumps({"url": urls[4], "text": article_text(800)}))  # a duplicate of line 1
    (raw / "crawl.jsonl").write_text("\n".join(lines) + "\n")
    (raw / "crawl.warc.gz").write_bytes(_warc([
        (urls[5], article_html(810).encode(), "text/html"),
        (urls[6], b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),  # rejected: its detail names the url
        (urls[7], article_html(811).encode(), "text/html")]))
    canonical = f'<link rel="canonical" href="{urls[2]}">'  # a URL the page itself gives (no url in the input)
    (raw / "canonical.html").write_text(article_html(812, head=canonical))
    clean_pass(Settings(), raw, out)
    records = read_feed(out, "articles") + read_feed(out, "rejected")
    assert len(records) == 10
    assert {r["reason"] for r in read_feed(out, "rejected")} == {"too_short", "duplicate", "unsupported_format"}
    assert sum(REDACTED in (r["url"] or "") for r in records) >= 8
    for path in out.rglob("*"):
        if path.is_file():
            data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
            for secret in SECRETS.values():
                assert secret.encode() not in data, (secret, path)


def test_the_id_of_a_page_stays_that_of_its_full_url(tmp_path):
    """Redaction changes what the record shows, not which page it is (ids are stable across runs)."""
    from cleaners.document import stable_id

    url = "https://alice:pw@news.example/story?id=7&token=abc"
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a.jsonl").write_text(json.dumps({"url": url, "text": article_text(830)}) + "\n")
    clean_pass(Settings(), raw, out)
    [article] = read_feed(out, "articles")
    assert article["id"] == stable_id(url, "a.jsonl#1") and article["url"] == redact_url(url)


# ---------------------------------------------------------------- configuration

def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_config_yaml_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"
    for payload in (f'!!python/object/apply:os.system ["touch {marker}"]',
                    f'run: !!python/object/apply:os.system ["touch {marker}"]',
                    "run: !!python/object/new:os.getpid []", "paths: !!python/name:os.system"):
        with pytest.raises(ConfigError, match="invalid YAML"):
            load_settings(_config(tmp_path, payload))
    assert not marker.exists()


def test_only_the_safe_yaml_loader_is_used_in_the_code():
    sources = [p for folder in ("cleaners", "flows") for p in (REPO / folder).rglob("*.py")]
    for path in sources:
        code = path.read_text()
        assert not re.search(r"yaml\.(load|full_load|unsafe_load|load_all|unsafe_load_all)\(|Loader\s*=", code), path


def test_an_oversized_config_is_refused_before_it_is_parsed(tmp_path):
    path = _config(tmp_path, "# padding\n" * (CONFIG_MAX_BYTES // 10 + 1))
    with pytest.raises(ConfigError, match="larger than"):
        load_settings(path)


_ALIASES = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(9))


def test_a_yaml_alias_bomb_at_the_top_level_is_refused_at_once(tmp_path):
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="unknown key"):
        load_settings(_config(tmp_path, _ALIASES))  # 9**9 leaves if expanded
    assert time.perf_counter() - started < 1


def test_a_yaml_alias_bomb_in_a_setting_gives_a_short_message(tmp_path):
    anchors = ["&a0 [" + ", ".join(["lol"] * 9) + "]"]
    anchors += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 6)]
    text = "run:\n  workers: [" + ", ".join(anchors) + "]\n"  # 300 bytes; 9**6 leaves expanded
    with pytest.raises(ConfigError, match="run.workers") as raised:
        load_settings(_config(tmp_path, text))
    assert len(str(raised.value)) < 10_000


# ---------------------------------------------------------------- no network

@pytest.fixture
def no_network(monkeypatch):
    """Every way to reach the network raises; the attempts are listed."""
    attempts: list[str] = []

    def refuse(name):
        def call(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network use during cleaning: {name}")
        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_cleaning_makes_no_network_connection(tmp_path, no_network):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(SEEDS_RAW, raw / "seeds")
    for page in sorted((REPO / "tests" / "fixtures" / "corpus_sample").rglob("*.html.gz")):
        target = raw / "corpus" / page.parent.name / page.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, target)
    shutil.copytree(REPO / "raw" / "html", raw / "html")
    remote = ('<link rel="canonical" href="https://remote-{n}.example/c"><script src="https://cdn.example/x.js">'
              '</script><link rel="stylesheet" href="https://cdn.example/s.css">')
    embeds = '<img src="https://img.example/{n}.png"><iframe src="https://ads.example/{n}"></iframe>'
    lines = [json.dumps({"url": f"https://remote-{n}.example/post?page={n}",
                         "html": article_html(700 + n, head=remote.format(n=n), before=embeds.format(n=n))})
             for n in range(5)]
    (raw / "remote.jsonl").write_text("\n".join(lines) + "\n")
    (raw / "xxe.html").write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://evil.example/e">]>'
                                  f"<html><body><p>&e;</p>{article_html(720)}</body></html>")
    report = clean_pass(Settings(), raw, out, map_batches=inline)
    assert report["articles"] >= 35
    assert no_network == []


_GUARD = '''
import os, socket

def _refuse(name, check=None):
    def call(*args, **kwargs):
        if check is not None and not check(*args):
            return _originals[name](*args, **kwargs)
        with open(os.environ["WINNOW_NETWORK_LOG"], "a") as log:
            log.write(f"{os.getpid()} {name} {args[1:]!r}\\n")
        raise OSError("network use during cleaning: " + name)
    return call

_inet = lambda sock, *rest: sock.family in (socket.AF_INET, socket.AF_INET6)
_originals = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex}
socket.socket.connect = _refuse("connect", _inet)
socket.socket.connect_ex = _refuse("connect_ex", _inet)
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
    setattr(socket, _name, _refuse(_name))
'''


def test_winnow_clean_and_its_worker_processes_make_no_network_connection(tmp_path):
    """The CLI as users run it, with its process pool: the guard is installed in every process
    (sitecustomize), spawned workers included."""
    import subprocess
    import sys

    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(_GUARD)
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS_RAW, raw / "seeds")
    for n in range(4):
        canonical = f'<link rel="canonical" href="https://remote-{n}.example/c">'
        (raw / f"page-{n}.html").write_text(article_html(740 + n, head=canonical))
    log = tmp_path / "network.log"
    env = {**os.environ, "PYTHONPATH": str(guard), "WINNOW_NETWORK_LOG": str(log)}
    env.pop("PREFECT_API_URL", None)
    (tmp_path / "config.yaml").write_text("run:\n  batch_pages: 3\n")  # three batches: the pool's workers clean
    done = subprocess.run([str(Path(sys.executable).parent / "winnow"), "clean", str(raw), "--out",
                           str(tmp_path / "clean"), "--workers", "2", "--config", str(tmp_path / "config.yaml")],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(read_feed(tmp_path / "clean", "articles")) == 9
    assert len(list((tmp_path / "clean" / "articles").iterdir())) == 3
    assert not log.exists(), log.read_text()
    check = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('example.org', 80))"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode != 0 and "network use during cleaning" in check.stderr and log.exists()


def test_the_guard_does_catch_a_connection(no_network):
    with pytest.raises(OSError, match="network use"):
        socket.create_connection(("example.org", 80), timeout=1)
    assert no_network


# ---------------------------------------------------------------- the Prefect server of `winnow serve`

@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org"])
def test_serve_cannot_be_configured_to_listen_beyond_localhost(tmp_path, host):
    with pytest.raises(ConfigError, match="serve.host"):
        load_settings(_config(tmp_path, f"serve:\n  host: '{host}'\n"))


def test_the_server_serve_starts_listens_on_localhost_with_telemetry_off(tmp_path, monkeypatch):
    from rich.console import Console

    from flows import serve

    started = {}

    class FakeServer:
        returncode = None

        def __init__(self, args, env, **kwargs):
            started.update(args=args, env=env)

        def poll(self):
            return None

    answers = iter([False, True])  # nothing listening yet; then the started server answers
    monkeypatch.setattr(serve, "healthy", lambda url: next(answers))
    monkeypatch.setattr(serve.subprocess, "Popen", FakeServer)
    settings = load_settings(_config(tmp_path, f"serve:\n  port: 4999\n  home: {tmp_path / 'home'}\n"))
    api_url, server = serve.start_local_server(settings, Console(file=io.StringIO()))
    assert api_url == "http://127.0.0.1:4999/api" and isinstance(server, FakeServer)
    args = started["args"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert started["env"]["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and started["env"]["DO_NOT_TRACK"] == "1"
    assert "PREFECT_API_URL" not in started["env"]


def test_the_temporary_server_of_a_tracked_run_listens_on_localhost_with_telemetry_off(monkeypatch):
    from flows import prefect_server

    started = {}

    def fake_popen(args, env, **kwargs):
        started.update(args=args, env=env)

    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "true")
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere.example/api")
    monkeypatch.setattr(prefect_server.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(prefect_server.atexit, "register", lambda fn: None)
    prefect_server.TemporaryServer.start()
    args = started["args"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert started["env"]["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and started["env"]["DO_NOT_TRACK"] == "1"
    assert "PREFECT_API_URL" not in started["env"]
