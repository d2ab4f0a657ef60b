//! Calendar dates of documents: parsing the forms news carries, and the [`Date`] type the
//! graph stores (first/last seen, evidence dates, per-date counts).
//!
//! A date is a calendar day with no time of day and no zone: `2024-02-23T23:30:00-05:00` is
//! the 23rd, the day the source wrote, not converted to UTC (a newsroom dates its story in
//! its own zone). Parsing never guesses: a form that reads two ways (`03/04/2024`: 3 April or
//! March 4) is refused, and so is every all-numeric day/month/year form, even one only one
//! reading fits (`23/02/2024`), so a source's documents are not dated for some days of the
//! month and not others. Numeric dates are read only year first (`2024-02-23`, `2024/02/23`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, stored as days since 1970-01-01 (so it is `Copy`, ordered, and merges by
/// min/max). Serialized as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")
}

impl Date {
    /// The day, if it exists (`2023-02-29` does not). Years 1..=9999 only: a date outside
    /// is a typo, not a news date, and four-digit years keep the text form sortable.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        let d = NaiveDate::from_ymd_opt(year, month, day)?;
        Some(Date(d.signed_duration_since(epoch()).num_days() as i32))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i32 {
        self.0
    }

    /// The day `days` after 1970-01-01, if it is within years 1..=9999.
    pub fn from_days(days: i32) -> Option<Date> {
        let d = epoch().checked_add_signed(chrono::TimeDelta::try_days(days as i64)?)?;
        Date::from_ymd(d.year(), d.month(), d.day())
    }

    fn naive(self) -> NaiveDate {
        epoch() + chrono::TimeDelta::days(self.0 as i64)
    }

    /// (year, month 1..=12, day 1..=31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let d = self.naive();
        (d.year(), d.month(), d.day())
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// The next day (saturating at the last representable day).
    pub fn succ(self) -> Date {
        Date::from_days(self.0 + 1).unwrap_or(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Error of [`Date::from_str`]: the text is not a date [`parse_date`] reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date silkgraph reads: {0:?} (use e.g. 2024-02-23, Feb 23, 2024 or 23 February 2024; day/month/year numbers are refused as ambiguous)")]
pub struct DateError(pub String);

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).ok_or_else(|| DateError(s.to_string()))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s).ok_or_else(|| serde::de::Error::custom(DateError(s)))
    }
}

/// Counts by document date, for a node (mentions) or an edge (supporting sentences).
///
/// A date counts the distinct sentences published on it: a verbatim copy of a sentence on
/// the same date adds nothing (as copies add nothing to `mentions` and `weight`), while a
/// copy republished on a later date counts on that date too: the link was reported again
/// then. So every date that supports an entity or edge has a count of at least 1, and the
/// counts of an edge add up to its weight over dated documents unless a sentence was
/// republished on another day. Counting by (sentence, date) pairs does not depend on the
/// order documents are read in, so graphs of parts of a corpus merge exactly
/// ([`crate::merge`] keeps the pairs); `first_seen`/`last_seen` are the first and last
/// dates counted.
pub type DateCounts = std::collections::BTreeMap<Date, u64>;

/// Record `count` (0 or 1) more on `date`, widening `first..=last` to include it.
pub fn note_date(
    counts: &mut DateCounts,
    first: &mut Option<Date>,
    last: &mut Option<Date>,
    date: Date,
    count: u64,
) {
    *counts.entry(date).or_default() += count;
    *first = Some(first.map_or(date, |f| f.min(date)));
    *last = Some(last.map_or(date, |l| l.max(date)));
}

/// Merge `other`'s counts into `counts` (addition date by date).
pub fn merge_counts(counts: &mut DateCounts, other: &DateCounts) {
    for (d, n) in other {
        *counts.entry(*d).or_default() += n;
    }
}

/// Whether any node of `g` is dated (then its exports declare the time attributes).
pub fn graph_is_dated(g: &crate::graph::KnowledgeGraph) -> bool {
    g.graph.node_weights().any(|n| n.first_seen.is_some())
        || g.graph.edge_weights().any(|e| e.first_seen().is_some())
}

/// `counts` as text for GraphML/GEXF attributes: `2024-02-23:1; 2024-03-02:2`.
pub fn format_counts(counts: &DateCounts) -> String {
    counts
        .iter()
        .map(|(d, n)| format!("{d}:{n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text of [`format_counts`] read back (`None` if any entry is not `DATE:N`).
pub fn parse_counts(s: &str) -> Option<DateCounts> {
    let mut out = DateCounts::new();
    for entry in s.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (d, n) = entry.rsplit_once(':')?;
        let d = parse_date(d).filter(|_| d.len() == 10)?;
        *out.entry(d).or_default() += n.parse::<u64>().ok()?;
    }
    Some(out)
}

/// The dates of `counts` merged into intervals of consecutive days (first, last), in order:
/// one GEXF spell each. 23 and 24 February make one spell, 23 and 25 two.
pub fn spells(counts: &DateCounts) -> Vec<(Date, Date)> {
    let mut out: Vec<(Date, Date)> = Vec::new();
    for &d in counts.keys() {
        match out.last_mut() {
            Some((_, last)) if last.days() + 1 == d.days() => *last = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// Month number of an English month name or abbreviation, with or without a final period
/// (`Feb`, `Feb.`, `February`, `Sept.`), any case.
pub fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.strip_suffix('.').unwrap_or(word).to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let w = word.trim_end_matches([',', '.']).to_ascii_lowercase();
    w.len() >= 3
        && DAYS
            .iter()
            .any(|d| *d == w || (w.len() == 3 && d.starts_with(&w)))
}

/// Day of month written as a number, optionally with an ordinal suffix (`3`, `03`, `3rd`).
fn day_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(',');
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if !(suffix.is_empty()
        || ["st", "nd", "rd", "th"].contains(&suffix.to_ascii_lowercase().as_str()))
    {
        return None;
    }
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(word: &str) -> Option<i32> {
    let w = word.trim_end_matches([',', '.']);
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
}

/// Year-first numeric date: `2024-02-23`, `2024/02/23`, `2024.02.23` (one separator kind).
fn parse_numeric(s: &str) -> Option<Date> {
    let sep = s.as_bytes().get(4).copied()?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let mut parts = s.split(sep as char);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
        || ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `2024-02-23T10:00:00Z`, `2024-02-23T10:00:00.123+05:00`, `2024-02-23 10:00`: the date
/// part, once the rest is checked to be a time.
fn parse_datetime(s: &str) -> Option<Date> {
    if chrono::DateTime::parse_from_rfc3339(s).is_ok()
        || chrono::DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)).is_ok()
        || [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(s, f).is_ok())
        || chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").is_ok()
    {
        return parse_numeric(s.get(..10)?);
    }
    None
}

/// Month-name forms: `Feb 23, 2024`, `Feb. 23 2024`, `February 23rd, 2024`, `23 February
/// 2024`, `23 Feb. 2024`, each optionally after a weekday (`Friday, February 23, 2024`).
fn parse_named(s: &str) -> Option<Date> {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    if words.len() == 4 && is_weekday(words[0]) {
        words.remove(0);
    }
    if words.len() != 3 {
        return None;
    }
    let (month, day) = if let Some(m) = month_number(words[0]) {
        // "Feb 23, 2024": the comma, if any, belongs after the day.
        (m, day_number(words[1])?)
    } else {
        if words[0].ends_with(',') {
            return None;
        }
        (
            month_number(words[1].trim_end_matches(','))?,
            day_number(words[0])?,
        )
    };
    Date::from_ymd(year_number(words[2])?, month, day)
}

/// Read a date from a whole string (surrounding spaces ignored): ISO 8601 dates and
/// date-times (`2024-02-23`, `2024-02-23T10:00:00Z`, with any offset or fraction), RFC 2822
/// (`Fri, 23 Feb 2024 10:00:00 +0000`, as feeds date items), year-first slashes
/// (`2024/02/23`), and English month names (`Feb 23, 2024`, `23 February 2024`). `None` for
/// anything else, including the ambiguous `03/04/2024` (see the module notes).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if s.len() >= 8 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return parse_numeric(s).or_else(|| parse_datetime(s));
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
        let d = dt.date_naive();
        return Date::from_ymd(d.year(), d.month(), d.day());
    }
    parse_named(s)
}

/// The date a dateline states: a full date, or a day without its year ("July 21").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatelineDate {
    Full(Date),
    /// Month and day: it dates a document only with a year from another source of it.
    MonthDay(u32, u32),
}

/// A dateline opening a paragraph: `ASTANA, July 21 (Reuters) —`, `WASHINGTON, Feb. 3,
/// 2024 —`, `TEHRAN (Iran News) –`, `ASTANA –`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// Byte span of the place (the capitalised words before any comma) in the text.
    pub place: std::ops::Range<usize>,
    /// Byte offset just past the dash.
    pub end: usize,
    pub date: Option<DatelineDate>,
}

/// Lines (not blank) searched for a dateline: a title, a byline and then the first
/// paragraph, which a dateline opens.
const DATELINE_LINES: usize = 3;

fn dateline_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        // A place in capitals (1-4 words of at least two letters: `NEW DELHI`, `KYIV`),
        // up to three comma-separated parts (region, date), an optional agency in
        // parentheses, then a dash. Capitals keep a heading or a sentence from reading as one.
        regex::Regex::new(
            r"^(?P<place>\p{Lu}[\p{Lu}'’.\-]*\p{Lu}\.?(?:[ \t]+\p{Lu}[\p{Lu}'’.\-]*\p{Lu}\.?){0,3})(?P<rest>(?:,[ \t]*[^,()\n—–]{1,30}){0,3})[ \t]*(?:\([^()\n]{1,40}\)[ \t]*)?(?:—|–|--|-)",
        )
        .expect("valid dateline pattern")
    })
}

/// The dateline opening one of the first [`DATELINE_LINES`] non-blank lines of `text`, if
/// any. A date part that is not a date leaves the dateline undated (`ASTANA, Kazakhstan –`).
pub fn find_dateline(text: &str) -> Option<Dateline> {
    let mut at = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        seen += 1;
        if let Some(c) = dateline_regex().captures(body) {
            let place = c.name("place").expect("group");
            let rest = c.name("rest").map_or("", |m| m.as_str());
            let date = dateline_date(rest);
            let whole = c.get(0).expect("match");
            return Some(Dateline {
                place: start + lead + place.start()..start + lead + place.end(),
                end: start + lead + whole.end(),
                date,
            });
        }
        if seen >= DATELINE_LINES {
            break;
        }
    }
    None
}

/// The date in a dateline's comma-separated parts (`, Kazakhstan, July 21` or `, Feb. 3,
/// 2024`): the last parts that read as a date.
fn dateline_date(rest: &str) -> Option<DatelineDate> {
    let parts: Vec<&str> = rest
        .split(',')
        // The pattern may leave the first of two dashes (`--`) in the last part.
        .map(|p| p.trim().trim_end_matches('-').trim_end())
        .filter(|p| !p.is_empty())
        .collect();
    for i in 0..parts.len() {
        let tail = parts[i..].join(", ");
        if let Some(d) = parse_date(&tail) {
            return Some(DatelineDate::Full(d));
        }
    }
    let last = parts.last()?;
    let words: Vec<&str> = last.split_whitespace().collect();
    if let [m, d] = words[..] {
        let (month, day) = (month_number(m)?, day_number(d)?);
        // Only a day that exists in some year (Feb 29 does, in leap years).
        Date::from_ymd(2000, month, day)?;
        return Some(DatelineDate::MonthDay(month, day));
    }
    None
}

/// The date of a document from its dateline, given the date its metadata (JSONL `date`,
/// file name, page) gives, if any. The metadata date wins: it is when the document was
/// published, which the document's date means. A dateline dates only an otherwise undated
/// document, and only with its year: a year-less dateline (`July 21`) is never completed
/// with a guessed year.
pub fn document_date(metadata: Option<Date>, dateline: Option<DatelineDate>) -> Option<Date> {
    match (metadata, dateline) {
        (Some(d), _) => Some(d),
        (None, Some(DatelineDate::Full(d))) => Some(d),
        _ => None,
    }
}

/// A window of days, either end open: what `--since`/`--until` and diff windows name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Window {
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        write!(f, "{}..{}", side(self.from), side(self.to))
    }
}

/// The first and last day of a period written `YYYY`, `YYYY-MM`, `YYYY-Qn` or a date.
pub fn parse_period(s: &str) -> Option<(Date, Date)> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let p = s.get(r)?;
        p.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| p.parse().ok())?
    };
    if b.len() == 4 {
        let y = num(0..4)? as i32;
        return Some((Date::from_ymd(y, 1, 1)?, Date::from_ymd(y, 12, 31)?));
    }
    if b.len() == 7 && b[4] == b'-' && matches!(b[5], b'Q' | b'q') {
        let (y, q) = (num(0..4)? as i32, num(6..7)?);
        if !(1..=4).contains(&q) {
            return None;
        }
        let first = Date::from_ymd(y, 3 * q - 2, 1)?;
        let next = if q == 4 {
            Date::from_ymd(y + 1, 1, 1)
        } else {
            Date::from_ymd(y, 3 * q + 1, 1)
        };
        return Some((first, Date::from_days(next?.days() - 1)?));
    }
    if b.len() == 7 && b[4] == b'-' {
        let (y, m) = (num(0..4)? as i32, num(5..7)?);
        let first = Date::from_ymd(y, m, 1)?;
        let next = if m == 12 {
            Date::from_ymd(y + 1, 1, 1)
        } else {
            Date::from_ymd(y, m + 1, 1)
        };
        return Some((first, Date::from_days(next?.days() - 1)?));
    }
    parse_date(s).map(|d| (d, d))
}

/// A window: a period ([`parse_period`]) or `A..B` of periods, either side empty for open
/// (`2023..2024-Q2`: 2023-01-01 to 2024-06-30; `2024-03..`: from March 2024 on).
pub fn parse_window(s: &str) -> Option<Window> {
    match s.split_once("..") {
        Some((a, b)) => {
            let side = |x: &str| -> Option<Option<(Date, Date)>> {
                if x.trim().is_empty() {
                    Some(None)
                } else {
                    parse_period(x).map(Some)
                }
            };
            let (a, b) = (side(a)?, side(b)?);
            let w = Window {
                from: a.map(|p| p.0),
                to: b.map(|p| p.1),
            };
            match (w.from, w.to) {
                (None, None) => None,
                (Some(f), Some(t)) if t < f => None,
                _ => Some(w),
            }
        }
        None => parse_period(s).map(|(f, t)| Window {
            from: Some(f),
            to: Some(t),
        }),
    }
}

/// A date at the start of a file name (extension and any directories ignored): `2024-02-23-foo.txt`,
/// `2024_02_23 foo.txt`, `20240223_foo.txt`, `2024-02-23.txt`. The date must be followed by
/// a separator or the end, so `202402231_foo` (nine digits) is no date.
pub fn date_from_file_name(name: &str) -> Option<Date> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let b = base.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = base.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let ends_at = |i: usize| b.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
    // Separated: YYYY-MM-DD, YYYY_MM_DD, YYYY.MM.DD (one separator kind).
    if b.len() >= 10 && matches!(b[4], b'-' | b'_' | b'.') && b[7] == b[4] && ends_at(10) {
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        return Date::from_ymd(y as i32, m, d);
    }
    if b.len() >= 8 && ends_at(8) {
        let (y, m, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
        return Date::from_ymd(y as i32, m, d);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_string())
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(d("2024-02-23").as_deref(), Some("2024-02-23"));
        assert_eq!(d(" 2024-2-3 ").as_deref(), Some("2024-02-03"));
        assert_eq!(d("2024-02-23T10:00:00Z").as_deref(), Some("2024-02-23"));
        assert_eq!(
            d("2024-02-23T10:00:00.250+05:30").as_deref(),
            Some("2024-02-23")
        );
        assert_eq!(d("2024-02-23T10:00:00+0530").as_deref(), Some("2024-02-23"));
        assert_eq!(d("2024-02-23T10:00:00").as_deref(), Some("2024-02-23"));
        assert_eq!(d("2024-02-23 10:00").as_deref(), Some("2024-02-23"));
        // The written day, not converted to UTC.
        assert_eq!(
            d("2024-02-23T23:30:00-05:00").as_deref(),
            Some("2024-02-23")
        );
        assert_eq!(d("2024/02/23").as_deref(), Some("2024-02-23"));
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-02-30T10:00:00Z",
            "2024-02-23T25:00:00Z",
            "2024-02-23Tnoon",
            "2024-02/23",
            "2024-02-23-01",
            "0000-01-01",
            "",
            "yesterday",
            "Feb 30, 2024",
            "Feb 23",
            "23 Feb",
            "2024",
            "Febuary 23, 2024",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn numeric_day_month_forms_are_never_guessed() {
        // 3 April or March 4: refused, as is every all-numeric non-year-first form, even
        // one with a single possible reading, so a source is dated consistently or not at all.
        for bad in [
            "03/04/2024",
            "3/4/2024",
            "23/02/2024",
            "02/23/2024",
            "03-04-2024",
            "03.04.2024",
            "03/04/24",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn month_name_forms() {
        assert_eq!(d("Feb 23, 2024").as_deref(), Some("2024-02-23"));
        assert_eq!(d("Feb. 3, 2024").as_deref(), Some("2024-02-03"));
        assert_eq!(d("February 23 2024").as_deref(), Some("2024-02-23"));
        assert_eq!(d("Sept. 9, 2023").as_deref(), Some("2023-09-09"));
        assert_eq!(d("23 February 2024").as_deref(), Some("2024-02-23"));
        assert_eq!(d("23 Feb. 2024").as_deref(), Some("2024-02-23"));
        assert_eq!(d("1st March, 2024").as_deref(), Some("2024-03-01"));
        assert_eq!(
            d("Friday, February 23, 2024").as_deref(),
            Some("2024-02-23")
        );
        assert_eq!(d("fri 23 feb 2024").as_deref(), Some("2024-02-23"));
        // RFC 2822, as RSS items are dated.
        assert_eq!(
            d("Fri, 23 Feb 2024 10:00:00 +0000").as_deref(),
            Some("2024-02-23")
        );
        assert_eq!(d("23, February 2024"), None);
        assert_eq!(d("Feb 23rd, 2024").as_deref(), Some("2024-02-23"));
        assert_eq!(d("Feb 23xx, 2024"), None);
        assert_eq!(d("May 5, 2024").as_deref(), Some("2024-05-05"));
        assert_eq!(d("Ma 5, 2024"), None);
    }

    #[test]
    fn date_arithmetic_and_text_form() {
        let a = Date::from_ymd(1970, 1, 1).unwrap();
        assert_eq!(a.days(), 0);
        assert_eq!(
            Date::from_ymd(2024, 2, 28).unwrap().succ().to_string(),
            "2024-02-29"
        );
        let old = Date::from_ymd(1969, 12, 31).unwrap();
        assert_eq!(old.days(), -1);
        assert_eq!(Date::from_days(old.days()), Some(old));
        assert!(old < a);
        assert_eq!("2024-02-23".parse::<Date>().unwrap().ymd(), (2024, 2, 23));
        assert!("03/04/2024".parse::<Date>().is_err());
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"1970-01-01\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), a);
        assert!(serde_json::from_str::<Date>("\"3/4/2024\"").is_err());
    }

    fn dl(text: &str) -> Option<(String, Option<DatelineDate>, String)> {
        find_dateline(text).map(|d| {
            (
                text[d.place.clone()].to_string(),
                d.date,
                text[d.end..].trim_start().chars().take(5).collect(),
            )
        })
    }

    #[test]
    fn datelines_with_and_without_dates() {
        let full = |y, m, d| Some(DatelineDate::Full(Date::from_ymd(y, m, d).unwrap()));
        assert_eq!(
            dl("Title here\n\nWASHINGTON, Feb. 3, 2024 — The talks"),
            Some(("WASHINGTON".into(), full(2024, 2, 3), "The t".into()))
        );
        assert_eq!(
            dl("ASTANA, July 21 (Reuters) — Kazakhstan said"),
            Some((
                "ASTANA".into(),
                Some(DatelineDate::MonthDay(7, 21)),
                "Kazak".into()
            ))
        );
        assert_eq!(
            dl("ASTANA – Uzbekistan, Pakistan"),
            Some(("ASTANA".into(), None, "Uzbek".into()))
        );
        assert_eq!(
            dl("TEHRAN (Iran News) –Shortly after"),
            Some(("TEHRAN".into(), None, "Short".into()))
        );
        assert_eq!(
            dl("NEW DELHI, India, 23 February 2024 -- India"),
            Some(("NEW DELHI".into(), full(2024, 2, 23), "India".into()))
        );
        assert_eq!(
            dl("KYIV, Ukraine - Drones"),
            Some(("KYIV".into(), None, "Drone".into()))
        );
        // A part that is not a date leaves it undated; an impossible day is no date.
        assert_eq!(dl("KYIV, Feb 30 - x").unwrap().1, None);
        assert_eq!(
            dl("KYIV, Feb 29 - x").unwrap().1,
            Some(DatelineDate::MonthDay(2, 29))
        );
    }

    #[test]
    fn text_that_is_not_a_dateline() {
        assert_eq!(dl("Washington, Feb. 3, 2024 — lower case place"), None);
        assert_eq!(dl("The talks — held in ASTANA — ended."), None);
        assert_eq!(dl("A - B"), None);
        // Only the first lines: a dash line deep in the text is no dateline.
        assert_eq!(dl("One.\nTwo.\nThree.\nASTANA – late"), None);
        assert_eq!(dl(""), None);
    }

    #[test]
    fn a_dateline_dates_only_an_undated_document_and_never_guesses_a_year() {
        let meta = Date::from_ymd(2024, 2, 23);
        let line = Date::from_ymd(2023, 5, 1).unwrap();
        assert_eq!(document_date(meta, Some(DatelineDate::Full(line))), meta);
        assert_eq!(
            document_date(None, Some(DatelineDate::Full(line))),
            Some(line)
        );
        assert_eq!(
            document_date(None, Some(DatelineDate::MonthDay(7, 21))),
            None
        );
        assert_eq!(
            document_date(meta, Some(DatelineDate::MonthDay(7, 21))),
            meta
        );
        assert_eq!(document_date(None, None), None);
    }

    #[test]
    fn dates_from_file_names() {
        let f = |s| date_from_file_name(s).map(|d| d.to_string());
        assert_eq!(f("2024-02-23-foo.txt").as_deref(), Some("2024-02-23"));
        assert_eq!(f("news/2024_02_23 foo.txt").as_deref(), Some("2024-02-23"));
        assert_eq!(f("20240223_foo.txt").as_deref(), Some("2024-02-23"));
        assert_eq!(f("2024-02-23.txt").as_deref(), Some("2024-02-23"));
        assert_eq!(f("20240223.jsonl").as_deref(), Some("2024-02-23"));
        for bad in [
            "202402231_foo.txt",
            "2024-02-30-x.txt",
            "foo-2024-02-23.txt",
            "03-04-2024.txt",
            "2024-02_23.txt",
            "20241301.txt",
            "2024.txt",
            "1234567",
        ] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }

    #[test]
    fn periods_and_windows() {
        let w = |s| parse_window(s).map(|w| w.to_string());
        assert_eq!(w("2024").as_deref(), Some("2024-01-01..2024-12-31"));
        assert_eq!(w("2024-02").as_deref(), Some("2024-02-01..2024-02-29"));
        assert_eq!(w("2023-02").as_deref(), Some("2023-02-01..2023-02-28"));
        assert_eq!(w("2024-12").as_deref(), Some("2024-12-01..2024-12-31"));
        assert_eq!(w("2024-Q1").as_deref(), Some("2024-01-01..2024-03-31"));
        assert_eq!(w("2024-q4").as_deref(), Some("2024-10-01..2024-12-31"));
        assert_eq!(w("2024-02-23").as_deref(), Some("2024-02-23..2024-02-23"));
        assert_eq!(
            w("2023..2024-Q2").as_deref(),
            Some("2023-01-01..2024-06-30")
        );
        assert_eq!(w("2024-03..").as_deref(), Some("2024-03-01.."));
        assert_eq!(w("..2023").as_deref(), Some("..2023-12-31"));
        for bad in [
            "2024-Q5",
            "2024-13",
            "..",
            "2025..2024",
            "24",
            "03/04/2024",
            "2024-1",
            "x..2024",
        ] {
            assert_eq!(w(bad), None, "{bad}");
        }
        let win = parse_window("2024-Q1").unwrap();
        assert!(win.contains(Date::from_ymd(2024, 3, 31).unwrap()));
        assert!(!win.contains(Date::from_ymd(2024, 4, 1).unwrap()));
    }

    #[test]
    fn counts_text_and_spells() {
        let day = |m, d| Date::from_ymd(2024, m, d).unwrap();
        let mut c = DateCounts::new();
        for (d, n) in [
            (day(2, 23), 1),
            (day(2, 24), 0),
            (day(2, 26), 2),
            (day(2, 29), 1),
            (day(3, 1), 1),
        ] {
            c.insert(d, n);
        }
        let text = format_counts(&c);
        assert_eq!(
            text,
            "2024-02-23:1; 2024-02-24:0; 2024-02-26:2; 2024-02-29:1; 2024-03-01:1"
        );
        assert_eq!(parse_counts(&text), Some(c.clone()));
        assert_eq!(parse_counts(""), Some(DateCounts::new()));
        assert_eq!(parse_counts("2024-02-23"), None);
        assert_eq!(parse_counts("Feb 23, 2024:1"), None);
        assert_eq!(parse_counts("2024-02-23:x"), None);
        assert_eq!(
            spells(&c),
            vec![
                (day(2, 23), day(2, 24)),
                (day(2, 26), day(2, 26)),
                (day(2, 29), day(3, 1))
            ]
        );
        let mut other = DateCounts::new();
        other.insert(day(2, 23), 2);
        merge_counts(&mut other, &c);
        assert_eq!(other[&day(2, 23)], 3);
        assert_eq!(other.len(), c.len());
    }
}
