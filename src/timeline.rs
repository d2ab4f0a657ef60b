//! An entity's edges over time: per period, its relations and neighbors with counts.
//!
//! Counts come from each edge's `dates` (supporting sentences by document date, counted as
//! the weight is: see [`crate::dates::DateCounts`]), not from its evidence list, which
//! `--max-evidence` caps: so a period's counts are exact however many sentences an edge
//! has, and add up to the edge's weight over its dated documents. An edge with no dated
//! support is left out and counted in [`Timeline::undated_edges`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dates::{Date, Window};
use crate::graph::{Edge, KnowledgeGraph};

/// The length of a timeline's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Month,
    Quarter,
    Year,
}

impl Granularity {
    /// The period of `d`: `2024-02`, `2024-Q1` or `2024` (the forms `--since` and diff
    /// windows read), sortable as text.
    pub fn period(self, d: Date) -> String {
        let (y, m, _) = d.ymd();
        match self {
            Granularity::Month => format!("{y:04}-{m:02}"),
            Granularity::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            Granularity::Year => format!("{y:04}"),
        }
    }

    /// The first day of the period after the one of `d`.
    fn next_start(self, d: Date) -> Option<Date> {
        let (y, m, _) = d.ymd();
        let (y2, m2) = match self {
            Granularity::Month if m == 12 => (y + 1, 1),
            Granularity::Month => (y, m + 1),
            Granularity::Quarter if m >= 10 => (y + 1, 1),
            Granularity::Quarter => (y, (m - 1) / 3 * 3 + 4),
            Granularity::Year => (y + 1, 1),
        };
        Date::from_ymd(y2, m2, 1)
    }
}

/// One relation with one neighbor in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineRow {
    pub relation: String,
    /// `->` the entity is the source, `<-` the target, `--` symmetric.
    pub arrow: &'static str,
    pub neighbor: String,
    pub label: String,
    /// Supporting sentences dated in the period (0: only repeats of earlier sentences).
    pub count: u64,
}

/// One period of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelinePeriod {
    pub period: String,
    pub total: u64,
    /// Most supported first (then by relation and neighbor id).
    pub edges: Vec<TimelineRow>,
}

/// An entity's timeline: every period from its first dated edge to its last, empty ones
/// included (a gap is information).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub entity: String,
    pub label: String,
    pub by: Granularity,
    pub periods: Vec<TimelinePeriod>,
    /// The entity's edges (of the relations asked for) without any dated support.
    pub undated_edges: usize,
}

/// The timeline of entity `id` (an id of `g`), by `by`, of the edges whose relation is in
/// `relations` (all when empty), restricted to `window` when given.
pub fn timeline(
    g: &KnowledgeGraph,
    id: &str,
    by: Granularity,
    relations: &[String],
    window: Option<Window>,
) -> Timeline {
    let label = g.node(id).map(|n| n.label.clone()).unwrap_or_default();
    let mut undated_edges = 0;
    let mut cells: BTreeMap<String, Vec<TimelineRow>> = BTreeMap::new();
    let mut span: Option<(Date, Date)> = None;
    let edges: Vec<&Edge> = g
        .edges_of(id)
        .into_iter()
        .filter(|e| relations.is_empty() || relations.iter().any(|r| **r == *e.relation))
        .collect();
    for e in edges {
        if e.dates().is_empty() {
            undated_edges += 1;
            continue;
        }
        let (arrow, other) = if e.symmetric {
            (
                "--",
                if &*e.source == id {
                    &e.target
                } else {
                    &e.source
                },
            )
        } else if &*e.source == id {
            ("->", &e.target)
        } else {
            ("<-", &e.source)
        };
        let mut per: BTreeMap<String, u64> = BTreeMap::new();
        for (&d, &n) in e.dates() {
            if window.is_some_and(|w| !w.contains(d)) {
                continue;
            }
            span = Some(span.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            *per.entry(by.period(d)).or_default() += n;
        }
        for (period, count) in per {
            cells.entry(period).or_default().push(TimelineRow {
                relation: e.relation.to_string(),
                arrow,
                neighbor: other.to_string(),
                label: g.node(other).map(|n| n.label.clone()).unwrap_or_default(),
                count,
            });
        }
    }
    let mut periods = Vec::new();
    if let Some((first, last)) = span {
        let mut d = first;
        loop {
            let key = by.period(d);
            let mut edges = cells.remove(&key).unwrap_or_default();
            edges.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| (&a.relation, &a.neighbor).cmp(&(&b.relation, &b.neighbor)))
            });
            periods.push(TimelinePeriod {
                period: key,
                total: edges.iter().map(|r| r.count).sum(),
                edges,
            });
            match by.next_start(d) {
                Some(n) if n <= last => d = n,
                _ => break,
            }
        }
    }
    Timeline {
        entity: id.to_string(),
        label,
        by,
        periods,
        undated_edges,
    }
}

/// The part of `g` dated within `w`, for comparing two windows of one graph (`diff
/// --old-window --new-window`): nodes and edges with a date in the window, their `dates`
/// cut to it, `mentions` and `weight` the sums of those counts (at least 1: a window seen
/// only through repeats still holds the edge), evidence the kept entries dated in it.
/// What is not kept per date stays as in the whole graph (an edge's status, weapons and
/// years), or is unknown and set to 0 (a node's `documents`; evidence omitted by the cap).
/// Undated nodes and edges are left out.
pub fn restrict(g: &KnowledgeGraph, w: Window) -> KnowledgeGraph {
    let mut out = KnowledgeGraph::new();
    out.meta = g.meta.clone();
    let cut = |dates: &crate::dates::DateCounts| -> crate::dates::DateCounts {
        dates
            .iter()
            .filter(|(d, _)| w.contains(**d))
            .map(|(d, n)| (*d, *n))
            .collect()
    };
    for n in g.sorted_nodes() {
        let dates = cut(&n.dates);
        if dates.is_empty() {
            continue;
        }
        let mut n = n.clone();
        n.mentions = dates.values().sum::<u64>().max(1);
        n.documents = 0;
        n.first_seen = dates.keys().next().copied();
        n.last_seen = dates.keys().next_back().copied();
        n.dates = dates;
        out.insert_node(n);
    }
    for e in g.sorted_edges() {
        let dates = cut(e.dates());
        if dates.is_empty() {
            continue;
        }
        let mut e = e.clone();
        e.weight = dates.values().sum::<u64>().max(1);
        e.evidence.retain(|v| v.date.is_some_and(|d| w.contains(d)));
        e.evidence_omitted = 0;
        e.set_dates(dates);
        out.insert_edge(e);
    }
    out
}

/// The timeline as text: a bar per period (scaled to `width` characters at the busiest),
/// then its relations and neighbors, `rows` at most per period (0: all).
pub fn render_text(t: &Timeline, width: usize, rows: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}): supporting sentences by {}",
        t.label,
        t.entity,
        match t.by {
            Granularity::Month => "month",
            Granularity::Quarter => "quarter",
            Granularity::Year => "year",
        }
    );
    let max = t.periods.iter().map(|p| p.total).max().unwrap_or(0);
    for p in &t.periods {
        // At least one mark for a period with support, so it never looks empty.
        let bar = if max == 0 || p.total == 0 {
            0
        } else {
            ((p.total * width as u64).div_ceil(max)) as usize
        };
        let _ = write!(out, "{:<8} {:>5}", p.period, p.total);
        if bar > 0 {
            let _ = write!(out, " {}", "#".repeat(bar));
        }
        out.push('\n');
        let shown = if rows == 0 {
            p.edges.len()
        } else {
            rows.min(p.edges.len())
        };
        for r in &p.edges[..shown] {
            let _ = writeln!(
                out,
                "{:<8} {:>5}   {} {} {}",
                "", r.count, r.relation, r.arrow, r.label
            );
        }
        if shown < p.edges.len() {
            let _ = writeln!(out, "{:<14}   ... {} more", "", p.edges.len() - shown);
        }
    }
    if t.periods.is_empty() {
        out.push_str("no dated edges\n");
    }
    if t.undated_edges > 0 {
        let _ = writeln!(out, "{} undated edges not shown", t.undated_edges);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{Gazetteer, SourceFile};
    use crate::graph::{EdgeFacts, Evidence};

    fn gaz() -> Gazetteer {
        let mut text = String::new();
        for (id, name) in [("a", "Aland"), ("b", "Bland"), ("c", "Cland")] {
            text.push_str(&format!(
                "[[entity]]\nid = \"country:{id}\"\ntype = \"country\"\nname = \"{name}\"\n\n"
            ));
        }
        Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text,
        }])
        .unwrap()
    }

    fn day(m: u32, d: u32) -> Option<Date> {
        Date::from_ymd(2024, m, d)
    }

    #[test]
    fn counts_per_period_are_exact_past_the_evidence_cap() {
        let g = gaz();
        let e = |id: &str| g.entity(g.get(id).unwrap());
        let mut kg = KnowledgeGraph::new();
        kg.set_max_evidence(1);
        let mut add =
            |s: &str, r: &str, t: &str, sym: bool, n: usize, date: Option<Date>, first: bool| {
                let ev = Evidence::new(std::sync::Arc::new("d".into()), n, 0, 1).with_date(date);
                let ix = kg.add_edge(e(s), r, e(t), sym, first, ev, EdgeFacts::default());
                if let (Some(ix), Some(d)) = (ix, date) {
                    kg.date_edge(ix, d, first);
                }
            };
        add(
            "country:a",
            "supplies_arms_to",
            "country:b",
            false,
            0,
            day(1, 5),
            true,
        );
        add(
            "country:a",
            "supplies_arms_to",
            "country:b",
            false,
            1,
            day(1, 9),
            true,
        );
        // A repeat of an earlier sentence: the date is seen, nothing more is counted.
        add(
            "country:a",
            "supplies_arms_to",
            "country:b",
            false,
            2,
            day(2, 1),
            false,
        );
        add(
            "country:a",
            "supplies_arms_to",
            "country:b",
            false,
            3,
            day(4, 2),
            true,
        );
        add(
            "country:c",
            "cooperates_with",
            "country:a",
            true,
            4,
            day(1, 20),
            true,
        );
        add(
            "country:c",
            "sanctions",
            "country:a",
            false,
            5,
            day(1, 21),
            true,
        );
        add(
            "country:a",
            "co_occurs_with",
            "country:c",
            true,
            6,
            None,
            true,
        );
        kg.normalise();
        let t = timeline(&kg, "country:a", Granularity::Month, &[], None);
        type Row<'a> = (String, &'a str, String, u64);
        let summary: Vec<(String, u64, Vec<Row>)> = t
            .periods
            .iter()
            .map(|p| {
                (
                    p.period.clone(),
                    p.total,
                    p.edges
                        .iter()
                        .map(|r| (r.relation.clone(), r.arrow, r.neighbor.clone(), r.count))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "2024-01".into(),
                    4,
                    vec![
                        ("supplies_arms_to".into(), "->", "country:b".into(), 2),
                        ("cooperates_with".into(), "--", "country:c".into(), 1),
                        ("sanctions".into(), "<-", "country:c".into(), 1),
                    ]
                ),
                (
                    "2024-02".into(),
                    0,
                    vec![("supplies_arms_to".into(), "->", "country:b".into(), 0)]
                ),
                ("2024-03".into(), 0, vec![]),
                (
                    "2024-04".into(),
                    1,
                    vec![("supplies_arms_to".into(), "->", "country:b".into(), 1)]
                ),
            ]
        );
        assert_eq!(t.undated_edges, 1);
        // Quarters, one relation, a window.
        let q = timeline(
            &kg,
            "country:a",
            Granularity::Quarter,
            &["supplies_arms_to".into()],
            None,
        );
        let totals: Vec<(&str, u64)> = q
            .periods
            .iter()
            .map(|p| (p.period.as_str(), p.total))
            .collect();
        assert_eq!(totals, vec![("2024-Q1", 2), ("2024-Q2", 1)]);
        let w = crate::dates::parse_window("2024-02..").unwrap();
        let y = timeline(&kg, "country:a", Granularity::Year, &[], Some(w));
        assert_eq!(y.periods.len(), 1);
        assert_eq!(
            (y.periods[0].period.as_str(), y.periods[0].total),
            ("2024", 1)
        );
        let text = render_text(&t, 8, 2);
        assert!(text.contains("2024-01      4 ########\n"), "{text}");
        assert!(text.contains("2024-04      1 ##\n"), "{text}");
        assert!(text.contains("... 1 more"), "{text}");
        assert!(text.ends_with("1 undated edges not shown\n"), "{text}");
    }

    #[test]
    fn a_window_of_a_graph_keeps_what_is_dated_in_it() {
        let g = gaz();
        let e = |id: &str| g.entity(g.get(id).unwrap());
        let mut kg = KnowledgeGraph::new();
        for (n, date) in [(0, day(1, 5)), (1, day(1, 9)), (2, day(6, 1)), (3, None)] {
            let ev = Evidence::new(std::sync::Arc::new("d".into()), n, 0, 1).with_date(date);
            let ix = kg.add_edge(
                e("country:a"),
                "r",
                e("country:b"),
                false,
                true,
                ev,
                EdgeFacts::default(),
            );
            if let (Some(ix), Some(d)) = (ix, date) {
                kg.date_edge(ix, d, true);
            }
            if let Some(d) = date {
                let n = kg.node_for(e("country:a"));
                kg.date_node(n, d, 1, true);
                let n = kg.node_for(e("country:b"));
                kg.date_node(n, d, 1, true);
            }
        }
        let ev = Evidence::new(std::sync::Arc::new("d".into()), 9, 0, 1).with_date(day(6, 2));
        let ix = kg.add_edge(
            e("country:b"),
            "r",
            e("country:c"),
            false,
            true,
            ev,
            EdgeFacts::default(),
        );
        kg.date_edge(ix.unwrap(), day(6, 2).unwrap(), true);
        let n = kg.node_for(e("country:c"));
        kg.date_node(n, day(6, 2).unwrap(), 1, true);
        let h1 = restrict(&kg, crate::dates::parse_window("2024-Q1").unwrap());
        assert_eq!(h1.node_count(), 2);
        assert_eq!(h1.edge_count(), 1);
        let ab = h1.edge("country:a", "r", "country:b").unwrap();
        assert_eq!(ab.weight, 2);
        assert_eq!(ab.evidence.len(), 2);
        assert_eq!(ab.last_seen(), day(1, 9));
        let h2 = restrict(&kg, crate::dates::parse_window("2024-06").unwrap());
        assert_eq!(h2.edge_count(), 2);
        assert_eq!(h2.edge("country:a", "r", "country:b").unwrap().weight, 1);
        let d = crate::diff::diff(&h1, &h2, "old", "new");
        assert!(!d.is_equal());
    }

    #[test]
    fn periods_and_their_successors() {
        let d = |y, m, dd| Date::from_ymd(y, m, dd).unwrap();
        assert_eq!(Granularity::Quarter.period(d(2024, 12, 31)), "2024-Q4");
        assert_eq!(Granularity::Quarter.period(d(2024, 4, 1)), "2024-Q2");
        assert_eq!(
            Granularity::Quarter.next_start(d(2024, 11, 3)),
            Some(d(2025, 1, 1))
        );
        assert_eq!(
            Granularity::Quarter.next_start(d(2024, 5, 3)),
            Some(d(2024, 7, 1))
        );
        assert_eq!(
            Granularity::Month.next_start(d(2024, 12, 3)),
            Some(d(2025, 1, 1))
        );
        assert_eq!(Granularity::Year.period(d(2023, 5, 3)), "2023");
    }
}
