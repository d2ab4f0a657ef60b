#!/usr/bin/env python3
"""Write a large WARC for the streaming measurement, gzip per record as Common Crawl does.

  python3 bench/html_warc.py PAGES_DIR OUT.warc.gz --mb 1000

PAGES_DIR holds HTML pages (bench/html_pages.py --bulk); they are repeated, each time
under a new WARC-Target-URI, until MB megabytes of WARC (before compression) are written.
Every tenth response is an image (not HTML) and each page response has its request record,
as a crawler writes them. Written with zlib directly (level 1) rather than warcio, which
would take many minutes for a gigabyte; tests/web/make_warc_fixtures.py covers warcio.
"""
import argparse
import os
import zlib


def member(data):
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def record(kind, uri, n, block, ctype):
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"WARC-Date: 2024-06-01T12:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pages")
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=1000)
    a = ap.parse_args()
    pages = [open(os.path.join(a.pages, n), "rb").read() for n in sorted(os.listdir(a.pages)) if n.endswith(".html")]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    raw = 0
    n = 0
    html_n = 0
    with open(a.out, "wb") as f:
        f.write(member(record("warcinfo", "", n, b"software: bench/html_warc.py\r\n", "application/warc-fields")))
        while raw < a.mb * 1e6:
            n += 1
            uri = f"https://bench{n % 97}.example/story/{n}"
            if n % 10 == 0:
                body, ctype = png, "image/png"
            else:
                body, ctype = pages[html_n % len(pages)], "text/html; charset=utf-8"
                html_n += 1
            req = record("request", uri, 2 * n, b"GET / HTTP/1.1\r\nHost: bench.example\r\n\r\n",
                         "application/http; msgtype=request")
            http = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
            resp = record("response", uri, 2 * n + 1, http, "application/http; msgtype=response")
            raw += len(req) + len(resp)
            f.write(member(req))
            f.write(member(resp))
    print(f"{a.out}: {n} responses ({html_n} HTML), {raw / 1e6:.0f} MB of WARC records, "
          f"{os.path.getsize(a.out) / 1e6:.0f} MB on disk")


if __name__ == "__main__":
    main()
