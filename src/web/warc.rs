//! A streaming WARC reader (WARC/1.0 and 1.1, plain or gzip per record as Common Crawl
//! writes it) and the HTTP decoding of `response` records.
//!
//! Written here rather than taken from the `warc` crate (0.4): that crate decodes gzip with
//! libflate, cannot go on (or say where it stopped) after a truncated member, and brings
//! chrono, nom and uuid 0.8; this reader is a header parser and a `Content-Length` read over
//! flate2's multi-member decoder. One record body at most is held, and only when it is a
//! response small enough to be a page; everything else is skipped as it streams.

use std::io::{self, BufRead, Read};

use super::html::MAX_PAGE_BYTES;

/// Why a WARC stream cannot be read on.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    #[error("not a WARC file (no WARC/1.x version line at byte {0})")]
    NotWarc(u64),
    #[error("record at byte {0}: {1}")]
    BadRecord(u64, String),
    #[error("the file ends inside a record (truncated at byte {0} of the decompressed stream)")]
    Truncated(u64),
    #[error("corrupt gzip data after byte {0} of the decompressed stream: {1}")]
    Gzip(u64, io::Error),
    #[error(transparent)]
    Io(io::Error),
}

/// A record's named fields (names as written; look-ups ignore case).
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub version: String,
    pub fields: Vec<(String, String)>,
}

impl Header {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads records one after the other from a decompressed stream.
pub struct WarcReader<R> {
    r: R,
    /// Bytes of the (decompressed) stream consumed so far: where errors happened.
    at: u64,
    gzip: bool,
    started: bool,
}

/// Open a WARC stream: gzip is told by its magic bytes, not by the file name.
pub fn open<R: Read + 'static>(r: R) -> io::Result<WarcReader<Box<dyn BufRead>>> {
    let mut buf = io::BufReader::with_capacity(1 << 16, r);
    let gzip = buf.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn BufRead> = if gzip {
        Box::new(io::BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buf),
        ))
    } else {
        Box::new(buf)
    };
    Ok(WarcReader {
        r: inner,
        at: 0,
        gzip,
        started: false,
    })
}

impl<R: BufRead> WarcReader<R> {
    fn err(&self, e: io::Error) -> WarcError {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => WarcError::Truncated(self.at),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData if self.gzip => {
                WarcError::Gzip(self.at, e)
            }
            _ => WarcError::Io(e),
        }
    }

    /// One header line without its line end; `None` at the end of the stream. Lines are
    /// capped: a header line of a megabyte is not a WARC header.
    fn line(&mut self) -> Result<Option<Vec<u8>>, WarcError> {
        const MAX_LINE: u64 = 1 << 16;
        let mut line = Vec::new();
        let n = (&mut self.r)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|e| self.err(e))?;
        self.at += n as u64;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            if (n as u64) < MAX_LINE {
                return Err(WarcError::Truncated(self.at));
            }
            return Err(WarcError::BadRecord(self.at, "header line too long".into()));
        }
        while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            line.pop();
        }
        Ok(Some(line))
    }

    /// The next record's header (its body is read or skipped next, by [`Self::body`]);
    /// `None` at the end of the stream.
    pub fn next_header(&mut self) -> Result<Option<(Header, u64)>, WarcError> {
        // Records are separated by two line ends; be lenient with how many.
        let start = self.at;
        let version = loop {
            match self.line()? {
                None => return Ok(None),
                Some(l) if l.is_empty() => continue,
                Some(l) => break l,
            }
        };
        let version = String::from_utf8_lossy(&version).into_owned();
        if !version.starts_with("WARC/") {
            return Err(if self.started {
                WarcError::BadRecord(
                    start,
                    format!("expected a WARC version line, found {:?}", trunc(&version)),
                )
            } else {
                WarcError::NotWarc(start)
            });
        }
        self.started = true;
        let mut h = Header {
            version,
            fields: Vec::new(),
        };
        loop {
            let Some(l) = self.line()? else {
                return Err(WarcError::Truncated(self.at));
            };
            if l.is_empty() {
                break;
            }
            let l = String::from_utf8_lossy(&l).into_owned();
            if l.starts_with([' ', '\t']) {
                // A folded continuation of the previous field (WARC 1.0 allows it).
                if let Some(last) = h.fields.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(l.trim());
                }
                continue;
            }
            let Some((k, v)) = l.split_once(':') else {
                return Err(WarcError::BadRecord(
                    start,
                    format!("header line without a colon: {:?}", trunc(&l)),
                ));
            };
            h.fields.push((k.trim().to_string(), v.trim().to_string()));
        }
        let len = h
            .get("Content-Length")
            .ok_or_else(|| WarcError::BadRecord(start, "no Content-Length".into()))?
            .parse::<u64>()
            .map_err(|_| WarcError::BadRecord(start, "Content-Length is not a number".into()))?;
        Ok(Some((h, len)))
    }

    /// Read the body (`keep`) or skip it; a kept body is read whole.
    pub fn body(&mut self, len: u64, keep: bool) -> Result<Option<Vec<u8>>, WarcError> {
        let mut take = (&mut self.r).take(len);
        let (n, body) = if keep {
            let mut buf = Vec::with_capacity(len.min(1 << 20) as usize);
            let n = take.read_to_end(&mut buf);
            (n.map(|n| n as u64), Some(buf))
        } else {
            (io::copy(&mut take, &mut io::sink()), None)
        };
        let n = n.map_err(|e| self.err(e))?;
        self.at += n;
        if n < len {
            return Err(WarcError::Truncated(self.at));
        }
        Ok(body)
    }
}

fn trunc(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// What a `response` record's HTTP message holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Payload {
    /// An HTML page, decoded to text.
    Html(String),
    /// Not HTML (an image, a script, robots.txt...).
    NotHtml,
    /// A status other than 2xx (redirects, errors).
    Status(u16),
    /// The HTTP message is cut short (chunks or compressed data end early).
    Truncated,
    /// Larger than [`MAX_PAGE_BYTES`] once decoded.
    TooLarge,
    /// A content encoding this reader does not decode (brotli, zstd), or not HTTP at all.
    Undecodable(String),
}

/// Decode the HTTP response in a `response` record body: headers off, chunked transfer and
/// gzip/deflate content encodings undone, the charset from the headers or the page.
pub fn http_payload(raw: &[u8]) -> Payload {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    let head_len = match resp.parse(raw) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Payload::Truncated,
        Err(e) => return Payload::Undecodable(format!("not an HTTP response ({e})")),
    };
    let code = resp.code.unwrap_or(0);
    if !(200..300).contains(&code) {
        return Payload::Status(code);
    }
    let header = |name: &str| {
        resp.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    let content_type = header("content-type").into_iter().next();
    let body = &raw[head_len..];
    let mut body: Vec<u8> = if header("transfer-encoding")
        .iter()
        .any(|v| v.contains("chunked"))
    {
        match dechunk(body) {
            Some(b) => b,
            None => return Payload::Truncated,
        }
    } else {
        body.to_vec()
    };
    for enc in header("content-encoding")
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rev()
    {
        let limit = MAX_PAGE_BYTES as u64 + 1;
        let mut out = Vec::new();
        let read = match enc {
            "" | "identity" => continue,
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
                .take(limit)
                .read_to_end(&mut out),
            // "deflate" means zlib-wrapped, but servers send raw deflate too.
            "deflate" => flate2::read::ZlibDecoder::new(&body[..])
                .take(limit)
                .read_to_end(&mut out)
                .or_else(|_| {
                    out.clear();
                    flate2::read::DeflateDecoder::new(&body[..])
                        .take(limit)
                        .read_to_end(&mut out)
                }),
            other => return Payload::Undecodable(format!("content encoding {other}")),
        };
        match read {
            Ok(_) => body = out,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Payload::Truncated,
            Err(e) => return Payload::Undecodable(format!("{enc} data: {e}")),
        }
    }
    if body.len() > MAX_PAGE_BYTES {
        return Payload::TooLarge;
    }
    let is_html = match &content_type {
        Some(ct) => {
            let mime = ct.split(';').next().unwrap_or("").trim();
            mime == "text/html" || mime == "application/xhtml+xml"
        }
        None => looks_like_html(&body),
    };
    if !is_html {
        return Payload::NotHtml;
    }
    let charset = content_type
        .as_deref()
        .and_then(super::html::charset_of_content_type);
    Payload::Html(super::html::decode(&body, charset))
}

/// For a response without a Content-Type: the body starts like an HTML document.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 64)];
    let lower = head.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

/// Undo chunked transfer coding; `None` when the chunks end early or are malformed.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let eol = memchr::memchr(b'\n', b)?;
        let size_line = std::str::from_utf8(&b[..eol]).ok()?.trim();
        // Chunk extensions (";name=value") are allowed and ignored.
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        if b.len() < size || out.len() + size > MAX_PAGE_BYTES + 1 {
            return None;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size..];
        // The CRLF after the chunk data.
        b = b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, uri: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    /// Each record's header and kept body.
    type Records = Vec<(Header, Option<Vec<u8>>)>;

    fn read_all(bytes: Vec<u8>) -> (Records, Option<WarcError>) {
        let mut r = open(io::Cursor::new(bytes)).unwrap();
        let mut out = Vec::new();
        loop {
            match r.next_header() {
                Ok(None) => return (out, None),
                Ok(Some((h, len))) => match r.body(len, h.get("WARC-Type") == Some("response")) {
                    Ok(b) => out.push((h, b)),
                    Err(e) => return (out, Some(e)),
                },
                Err(e) => return (out, Some(e)),
            }
        }
    }

    const HTTP: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><p>Hi</p></html>";

    #[test]
    fn plain_and_gzip_per_record_streams_read_the_same() {
        let recs = [
            record("warcinfo", "", b"software: test\r\n"),
            record("request", "http://a.example/", b"GET / HTTP/1.1\r\n\r\n"),
            record("response", "http://a.example/", HTTP),
        ];
        let plain: Vec<u8> = recs.concat();
        let gzipped: Vec<u8> = recs.iter().flat_map(|r| gz(r)).collect();
        for bytes in [plain, gzipped] {
            let (got, err) = read_all(bytes);
            assert!(err.is_none(), "{err:?}");
            assert_eq!(got.len(), 3);
            assert_eq!(got[2].0.get("warc-target-uri"), Some("http://a.example/"));
            assert_eq!(got[2].1.as_deref(), Some(HTTP));
            assert_eq!(got[0].1, None);
        }
    }

    #[test]
    fn truncation_and_garbage_are_errors_that_say_where() {
        let mut cut = record("response", "http://a.example/", HTTP);
        cut.truncate(cut.len() - 30);
        let (got, err) = read_all(cut.clone());
        assert!(got.is_empty());
        assert!(matches!(err, Some(WarcError::Truncated(_))), "{err:?}");
        // A gzip member cut short.
        let mut z = gz(&record("response", "http://b.example/", HTTP));
        let whole = gz(&record("response", "http://a.example/", HTTP));
        z.truncate(z.len() / 2);
        let (got, err) = read_all([whole, z].concat());
        assert_eq!(got.len(), 1);
        assert!(
            matches!(err, Some(WarcError::Truncated(_) | WarcError::Gzip(..))),
            "{err:?}"
        );
        let (_, err) = read_all(b"<html>not a warc</html>\n".to_vec());
        assert!(matches!(err, Some(WarcError::NotWarc(0))), "{err:?}");
        let (_, err) = read_all(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n".to_vec());
        assert!(matches!(err, Some(WarcError::BadRecord(..))), "{err:?}");
        let (_, err) = read_all(vec![0u8; 100]);
        assert!(err.is_some());
    }

    #[test]
    fn http_payloads_are_decoded() {
        assert_eq!(
            http_payload(HTTP),
            Payload::Html("<html><p>Hi</p></html>".into())
        );
        // Chunked and gzip-encoded, in Latin-1.
        let page = gz(b"<html><p>S\xe3o Paulo</p></html>");
        let mut chunked = Vec::new();
        for c in page.chunks(7) {
            chunked.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            chunked.extend_from_slice(c);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n".to_vec();
        raw.extend_from_slice(&chunked);
        assert_eq!(
            http_payload(&raw),
            Payload::Html("<html><p>São Paulo</p></html>".into())
        );
        raw.truncate(raw.len() - 20);
        assert_eq!(http_payload(&raw), Payload::Truncated);
        assert_eq!(
            http_payload(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG"),
            Payload::NotHtml
        );
        assert_eq!(
            http_payload(b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"),
            Payload::Status(301)
        );
        assert_eq!(
            http_payload(b"HTTP/1.1 200 OK\r\n\r\n  <!DOCTYPE html><p>x</p>"),
            Payload::Html("  <!DOCTYPE html><p>x</p>".into())
        );
        assert!(matches!(
            http_payload(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx"),
            Payload::Undecodable(_)
        ));
        assert_eq!(
            http_payload(b"HTTP/1.1 200 OK\r\nContent-"),
            Payload::Truncated
        );
    }
}
