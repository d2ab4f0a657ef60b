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
}
