#!/usr/bin/env python3
"""Write the WARC fixtures of tests/web/warc/ with real WARC writers.

  python3 tests/web/make_warc_fixtures.py [OUT_DIR]     (default tests/web/warc)

Needs warcio (pip install warcio) and wget (apt-get install wget). Writes:
- warcio.warc.gz  WARC/1.1, gzip per record (as Common Crawl): warcinfo; for three pages a
                  request and a response (plain; chunked + gzip content encoding; Latin-1
                  named only in the Content-Type header); a PNG response (not HTML); a
                  301 response; a response marked WARC-Truncated; a metadata record.
- warcio-1.0.warc the same pages as uncompressed WARC/1.0.
- truncated.warc.gz  warcio.warc.gz cut inside its last-but-one gzip member.
- wget.warc.gz    `wget --warc-file` fetching three pages of tests/web/pages and one .txt
                  file (text/plain: not HTML) from `python3 -m http.server` on localhost.
The committed files are what `cargo test` reads; .ci/run regenerates them in a temporary
directory with the real tools and reads them with silkgraph.
"""
import gzip
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = os.path.dirname(os.path.abspath(__file__))
PAGES = os.path.join(HERE, "pages")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def page(name):
    with open(os.path.join(PAGES, name), "rb") as f:
        return f.read()


def chunked(data, size=700):
    out = b""
    for i in range(0, len(data), size):
        c = data[i:i + size]
        out += b"%x\r\n" % len(c) + c + b"\r\n"
    return out + b"0\r\n\r\n"


def responses():
    """(uri, http status line, headers, body, extra WARC headers) of the warcio fixture."""
    p1 = page("01-wordpress.html")
    p2 = page("02-arc.html")
    latin = page("04-wire.html").decode("utf-8").replace("<meta charset=\"utf-8\">", "")
    latin = latin.replace("Governor statements", "Governor Jo\u00e3o Sim\u00f5es's statements")
    p3 = latin.encode("latin-1", errors="replace")
    return [
        ("https://www.example.org/news/drought", "200 OK",
         [("Content-Type", "text/html; charset=utf-8")], p1, {}),
        ("https://www.example.org/news/customs", "200 OK",
         [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
          ("Transfer-Encoding", "chunked")], chunked(gzip.compress(p2)), {}),
        ("https://www.example.org/news/central-bank", "200 OK",
         [("Content-Type", "text/html; charset=ISO-8859-1")], p3, {}),
        ("https://www.example.org/logo.png", "200 OK", [("Content-Type", "image/png")], PNG, {}),
        ("https://www.example.org/old", "301 Moved Permanently",
         [("Location", "https://www.example.org/news/drought"), ("Content-Length", "0")], b"", {}),
        ("https://www.example.org/news/big", "200 OK", [("Content-Type", "text/html")],
         page("05-amp.html")[:2000], {"WARC-Truncated": "length"}),
    ]


def write_warcio(path, gz, version):
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=gz, warc_version=version)
        w.write_record(w.create_warcinfo_record(os.path.basename(path), {"software": "warcio"}))
        for uri, status, headers, body, extra in responses():
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.example.org")], is_http_request=True)
            w.write_record(w.create_warc_record(uri, "request", http_headers=req))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            rec = w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": "2024-06-01T12:00:00Z", **extra})
            w.write_record(rec)
        w.write_record(w.create_warc_record("https://www.example.org/news/drought", "metadata",
                                            payload=io.BytesIO(b"outlinks: 3\n"),
                                            warc_content_type="application/warc-fields"))


def member_offsets(path):
    """Start offsets of the gzip members of a gzip-per-record file."""
    data = open(path, "rb").read()
    offs = []
    i = data.find(b"\x1f\x8b\x08")
    while i != -1:
        offs.append(i)
        i = data.find(b"\x1f\x8b\x08", i + 1)
    return data, offs


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_wget(out_dir):
    if not shutil.which("wget"):
        sys.exit("wget not found (apt-get install wget)")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=PAGES, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        urls = [f"http://127.0.0.1:{port}/{n}" for n in
                ("03-drupal.html", "04-wire.html", "05-amp.html", "03-drupal.txt")]
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["wget", "--quiet", "--no-verbose", f"--warc-file={os.path.join(out_dir, 'wget')}",
                            "--no-warc-keep-log", "-P", tmp] + urls, check=True)
    finally:
        server.terminate()
        server.wait()


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "warc"))
    os.makedirs(out, exist_ok=True)
    write_warcio(os.path.join(out, "warcio.warc.gz"), True, "1.1")
    write_warcio(os.path.join(out, "warcio-1.0.warc"), False, "1.0")
    data, offs = member_offsets(os.path.join(out, "warcio.warc.gz"))
    cut = offs[-2] + (offs[-1] - offs[-2]) // 2
    with open(os.path.join(out, "truncated.warc.gz"), "wb") as f:
        f.write(data[:cut])
    write_wget(out)
    for n in sorted(os.listdir(out)):
        print(n, os.path.getsize(os.path.join(out, n)))


if __name__ == "__main__":
    main()
