//! One web page to article text and metadata: the main text by `dom_smoothie` (a port of
//! Mozilla's Readability, run on its test pages), the rest read from the page's own tags.

use std::sync::LazyLock;

use dom_query::Document as Dom;
use dom_smoothie::{Config, Readability, TextMode};
use regex::bytes::Regex;

/// Pages larger than this are skipped with a warning: a DOM costs many times the page's
/// size, and news pages are well under a megabyte of HTML.
pub const MAX_PAGE_BYTES: usize = 16 << 20;

/// What one page gives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// The headline: `og:title`, else Readability's title (from `<title>`, site name cut).
    pub title: Option<String>,
    /// `<link rel=canonical>`, else `og:url` (absolute http(s) URLs only).
    pub canonical_url: Option<String>,
    /// `og:site_name` (else JSON-LD `publisher.name`).
    pub site_name: Option<String>,
    /// The publication date as the page writes it: `article:published_time`, else JSON-LD
    /// `datePublished` (and the other meta keys Readability knows), else the first
    /// `<time datetime>`.
    pub published: Option<String>,
    /// The main text, one paragraph per line, blank lines between paragraphs.
    pub text: String,
}

/// Why a page gives no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("no article text found")]
    NoText,
    #[error("page too large ({0} bytes; the limit is {MAX_PAGE_BYTES})")]
    TooLarge(usize),
}

/// Decode HTML bytes: a byte order mark wins, then the charset the HTTP header names
/// (`header_charset`), then a `<meta charset>` in the first 1024 bytes (as browsers
/// pre-scan), else UTF-8. Undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8], header_charset: Option<&str>) -> String {
    static META: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
            .expect("valid regex")
    });
    let head = &bytes[..bytes.len().min(1024)];
    let label = header_charset.map(str::as_bytes).or_else(|| {
        META.captures(head)
            .and_then(|c| c.get(1))
            .map(|m| m.as_bytes())
    });
    let enc = label
        .and_then(encoding_rs::Encoding::for_label)
        // A page that says UTF-16 in ASCII is not UTF-16 (the HTML standard's rule).
        .map(|e| {
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else {
                e
            }
        })
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// The charset parameter of a Content-Type value (`text/html; charset=iso-8859-1`).
pub fn charset_of_content_type(ct: &str) -> Option<&str> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// Extract one page. Malformed HTML is parsed as browsers do (html5ever); it never panics
/// on input.
pub fn extract(html: &str) -> Result<Page, PageError> {
    if html.len() > MAX_PAGE_BYTES {
        return Err(PageError::TooLarge(html.len()));
    }
    let dom = Dom::from(html);
    let meta = |sel: &str| -> Option<String> {
        dom.select(sel)
            .iter()
            .find_map(|n| n.attr("content").map(|c| c.trim().to_string()))
            .filter(|c| !c.is_empty())
    };
    let absolute = |u: String| {
        let l = u.to_ascii_lowercase();
        (l.starts_with("http://") || l.starts_with("https://")).then_some(u)
    };
    let canonical = dom
        .select(r#"link[rel~="canonical" i][href]"#)
        .iter()
        .find_map(|n| n.attr("href").map(|h| h.trim().to_string()))
        .and_then(absolute)
        .or_else(|| meta(r#"meta[property="og:url"]"#).and_then(absolute));
    let og_title = meta(r#"meta[property="og:title"]"#);
    let og_site = meta(r#"meta[property="og:site_name"]"#);
    let article_time = meta(r#"meta[property="article:published_time"]"#)
        .or_else(|| meta(r#"meta[name="article:published_time"]"#));
    let time_tag = || {
        // The article's own <time> before any in a sidebar.
        ["article time[datetime]", "time[datetime]"]
            .iter()
            .find_map(|sel| {
                dom.select(sel)
                    .iter()
                    .find_map(|n| n.attr("datetime").map(|d| d.trim().to_string()))
                    .filter(|d| !d.is_empty())
            })
    };
    let time_tag = time_tag();
    // Classes are kept for the clean-up below, which runs on Readability's choice rather
    // than on the page: removing widgets first changed which container it chose (two of
    // Readability's own test pages lost all their text).
    let config = Config {
        keep_classes: true,
        text_mode: TextMode::Raw,
        ..Config::default()
    };
    let mut r =
        Readability::with_document(dom, None, Some(config)).map_err(|_| PageError::NoText)?;
    let article = r.parse().map_err(|_| PageError::NoText)?;
    let content = Dom::from(article.content.as_ref());
    // All at once: one compiled selector list, one pass over the tree.
    static BOILERPLATE: LazyLock<Option<dom_query::Matcher>> =
        LazyLock::new(|| dom_query::Matcher::new(&boilerplate_selectors().join(", ")).ok());
    if let Some(m) = BOILERPLATE.as_ref() {
        content.select_matcher(m).remove();
    }
    let text = tidy(&content.formatted_text());
    if text.is_empty() {
        return Err(PageError::NoText);
    }
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Page {
        title: nonempty(og_title).or_else(|| nonempty(Some(article.title.to_string()))),
        canonical_url: canonical,
        site_name: nonempty(og_site).or_else(|| nonempty(article.site_name)),
        published: nonempty(article_time)
            .or_else(|| nonempty(article.published_time))
            .or(time_tag),
        text,
    })
}

/// The selectors of `gazetteer/text/html_boilerplate.txt`: the elements removed from the
/// content Readability chose.
fn boilerplate_selectors() -> &'static [String] {
    static SELECTORS: LazyLock<Vec<String>> = LazyLock::new(|| {
        include_str!("../../gazetteer/text/html_boilerplate.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    });
    &SELECTORS
}

/// One paragraph per line, a blank line between paragraphs, spaces collapsed within lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for para in text.split('\n') {
        let mut first = true;
        for w in para.split_whitespace() {
            if first {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                first = false;
            } else {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

impl Page {
    /// The text that is analysed: the headline as its own first paragraph (headlines state
    /// relations: "X signs arms deal with Y"), unless the body already starts with it.
    pub fn analysed_text(&self) -> String {
        match &self.title {
            Some(t) if !self.text.starts_with(t.as_str()) => {
                format!("{t}\n\n{}", self.text)
            }
            _ => self.text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
<meta charset="utf-8"><title>Port deal signed | The Harbour Post</title>
<link rel="canonical" href="https://harbour.example/2024/port-deal">
<meta property="og:site_name" content="The Harbour Post">
<meta property="og:title" content="Port deal signed">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Port deal signed</h1><time datetime="2024-03-04">4 March</time>
<p>The two governments signed an agreement on Tuesday to expand the container terminal at the
northern port, officials from both ministries said after a ceremony in the capital.</p>
<p>Under the agreement, the operator will dredge the channel and build two new berths over
the next four years, with financing shared between a state bank and private lenders.</p>
<p>Opposition lawmakers questioned the cost of the project and asked for the contract to be
published in full before the parliament votes on the financing next month.</p>
</article>
<section class="comments"><h3>Comments</h3><p>First! Great article.</p></section>
<footer>Copyright The Harbour Post. All rights reserved.</footer>
</body></html>"#;

    #[test]
    fn main_text_and_metadata() {
        let p = extract(PAGE).unwrap();
        assert_eq!(p.title.as_deref(), Some("Port deal signed"));
        assert_eq!(
            p.canonical_url.as_deref(),
            Some("https://harbour.example/2024/port-deal")
        );
        assert_eq!(p.site_name.as_deref(), Some("The Harbour Post"));
        assert_eq!(p.published.as_deref(), Some("2024-03-05T08:00:00Z"));
        assert!(
            p.text.contains("expand the container terminal"),
            "{}",
            p.text
        );
        assert!(p.text.contains("published in full"));
        for junk in ["cookies", "First!", "Copyright", "Home"] {
            assert!(!p.text.contains(junk), "{junk} in {}", p.text);
        }
        // Paragraphs stay apart, so sentences never run across them.
        assert!(p.text.contains("capital.\n\nUnder"), "{}", p.text);
        assert!(p.analysed_text().starts_with("Port deal signed\n\n"));
    }

    #[test]
    fn date_falls_back_to_json_ld_then_time_element() {
        let ld = PAGE
            .replace(
                r#"<meta property="article:published_time" content="2024-03-05T08:00:00Z">"#,
                r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Port deal signed","datePublished":"2024-03-06T09:30:00+01:00"}</script>"#,
            );
        assert_eq!(
            extract(&ld).unwrap().published.as_deref(),
            Some("2024-03-06T09:30:00+01:00")
        );
        let none = PAGE.replace(
            r#"<meta property="article:published_time" content="2024-03-05T08:00:00Z">"#,
            "",
        );
        assert_eq!(
            extract(&none).unwrap().published.as_deref(),
            Some("2024-03-04")
        );
    }

    #[test]
    fn og_url_is_the_fallback_and_relative_urls_are_not_ids() {
        let og = PAGE.replace(
            r#"<link rel="canonical" href="https://harbour.example/2024/port-deal">"#,
            r#"<link rel="canonical" href="/2024/port-deal"><meta property="og:url" content="https://harbour.example/og">"#,
        );
        assert_eq!(
            extract(&og).unwrap().canonical_url.as_deref(),
            Some("https://harbour.example/og")
        );
    }

    #[test]
    fn every_boilerplate_selector_parses() {
        let sels = boilerplate_selectors();
        assert!(sels.len() > 10);
        for s in sels {
            assert!(dom_query::Matcher::new(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn malformed_and_empty_input_never_panics() {
        for bad in [
            "",
            "<",
            "<html><body><p>unclosed <b><i>tags",
            "\u{0}\u{1}binary\u{fffd}",
            "<table><tr><td><p>text</td></p></table></div></div></span>",
            &"<div>".repeat(5000),
        ] {
            let _ = extract(bad);
        }
        assert_eq!(extract(""), Err(PageError::NoText));
    }

    #[test]
    fn charset_from_header_then_meta_then_utf8() {
        let latin = b"<meta charset=\"iso-8859-1\"><p>S\xe3o Paulo</p>";
        assert!(decode(latin, None).contains("São Paulo"));
        assert!(decode("<p>São</p>".as_bytes(), Some("utf-8")).contains("São"));
        assert!(decode(b"<p>S\xe3o</p>", Some("windows-1252")).contains("São"));
        assert!(decode(b"<p>S\xe3o</p>", None).contains('\u{FFFD}'));
        assert_eq!(
            charset_of_content_type("text/html; Charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_of_content_type("text/html"), None);
    }
}
