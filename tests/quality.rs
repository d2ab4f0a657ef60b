//! Extraction quality on the seed corpus and on the news dev set (`../shared/eval/news`: real
//! articles no rule was written from), scored by `../shared/eval/score.py` against the gold.
//!
//! The floors only ever go up: raise them when the score improves, never lower them to make a
//! change pass. The score table is printed in every run (`cargo test --test quality`).

mod common;

use std::sync::OnceLock;

use common::{require, run_ok, seeds, shared, Tool};
use tempfile::TempDir;

/// Entities F1 on the seeds (0.978 when this floor was set: the broad gazetteer tags a few
/// real entities the gold does not list, such as Palestine and the Central Asia summits).
const ENTITIES_F1_FLOOR: f64 = 0.975;
/// Relations F1 on the seeds (0.890 when last raised).
const RELATIONS_F1_FLOOR: f64 = 0.885;
/// Relations precision over core + extended gold (0.910 when set).
const RELATIONS_PRECISION_FLOOR: f64 = 0.90;
/// Every relation type's F1 (the lowest was cooperates_with at 0.828 when set).
const RELATION_TYPE_F1_FLOOR: f64 = 0.80;

/// Entities F1 on the news dev set (0.960 when set: gazetteer coverage of outlets, bodies,
/// makers and places, plus the pattern recogniser).
const NEWS_ENTITIES_F1_FLOOR: f64 = 0.955;
/// Relations F1 on the news dev set (0.854 when set; 0.863 since dateline places take no
/// part in typed relations).
const NEWS_RELATIONS_F1_FLOOR: f64 = 0.86;
/// Relations precision on the news dev set (0.906 when set; 0.927 since datelines).
const NEWS_RELATIONS_PRECISION_FLOOR: f64 = 0.92;
/// Each relation type's F1 on the news dev set, just under the value measured when set
/// (member_of rests on one core triple there, so its floor says little).
const NEWS_RELATION_TYPE_F1_FLOORS: &[(&str, f64)] = &[
    ("supplies_arms_to", 0.82), // 0.830
    ("acquires", 0.76),         // 0.766
    ("made_by", 0.78),          // 0.783
    ("corridor_via", 0.92),     // 0.923
    ("member_of", 0.66),        // 0.667
    ("conflict_with", 0.93),    // 0.933
    ("cooperates_with", 0.84),  // 0.844
];

/// One row of a score table: (type, P, R, F1).
type Row = (String, f64, f64, f64);

/// The parsed output of one `score.py` run.
struct Score {
    stdout: String,
    entities_f1: f64,
    relations_f1: f64,
    relations_precision: f64,
    relation_types: Vec<Row>,
}

fn parse_table(out: &str, header: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut inside = false;
    for line in out.lines() {
        if line.split_whitespace().next() == Some(header) {
            inside = true;
            continue;
        }
        if inside {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 4 {
                break;
            }
            let num = |s: &str| {
                s.parse::<f64>()
                    .unwrap_or_else(|_| panic!("bad number {s:?} in {line:?}"))
            };
            rows.push((
                cols[0].to_string(),
                num(cols[1]),
                num(cols[2]),
                num(cols[3]),
            ));
        }
    }
    rows
}

/// Extract the seeds to GraphML and score them, once per test binary. `None` when a tool is
/// missing outside CI (the test is skipped).
fn score() -> Option<&'static Score> {
    static SCORE: OnceLock<Option<Score>> = OnceLock::new();
    SCORE
        .get_or_init(|| {
            if !require("quality", &[Tool::Python3, Tool::Shared]) {
                return None;
            }
            Some(run_score(
                &seeds(),
                &shared().join("eval/gold"),
                "the seeds",
            ))
        })
        .as_ref()
}

/// The same for the news dev set.
fn news_score() -> Option<&'static Score> {
    static SCORE: OnceLock<Option<Score>> = OnceLock::new();
    SCORE
        .get_or_init(|| {
            if !require("quality", &[Tool::Python3, Tool::Shared]) {
                return None;
            }
            let news = shared().join("eval/news");
            Some(run_score(
                &news.join("corpus"),
                &news.join("gold"),
                "the news dev set",
            ))
        })
        .as_ref()
}

fn run_score(corpus: &std::path::Path, gold: &std::path::Path, what: &str) -> Score {
    let tmp = TempDir::new().unwrap();
    let graph = tmp.path().join("tmp.graphml");
    run_ok([
        "extract".as_ref(),
        corpus.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        graph.as_os_str(),
    ]);
    let out = std::process::Command::new("python3")
        .arg(shared().join("eval/score.py"))
        .arg(&graph)
        .arg(gold)
        .output()
        .expect("run score.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "score.py failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Written to the real stderr (not the captured one) so the table shows in every run.
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "score.py on {what}:\n{stdout}");
    }

    let re = regex::Regex::new(r"relations F1=([0-9.]+) entities F1=([0-9.]+)").unwrap();
    let caps = re
        .captures(&stdout)
        .unwrap_or_else(|| panic!("no `relations F1=... entities F1=...` line in:\n{stdout}"));
    let relations_f1: f64 = caps[1].parse().unwrap();
    let entities_f1: f64 = caps[2].parse().unwrap();

    // The per-type tables are complete and agree with the summary line.
    let ents = parse_table(&stdout, "entities");
    let rels = parse_table(&stdout, "relations");
    let has = |rows: &[Row], t: &str| rows.iter().any(|r| r.0 == t);
    for t in [
        "country",
        "organization",
        "corridor",
        "weapon",
        "place",
        "overall",
    ] {
        assert!(has(&ents, t), "entity row {t} missing:\n{stdout}");
    }
    for t in [
        "supplies_arms_to",
        "acquires",
        "made_by",
        "corridor_via",
        "member_of",
        "conflict_with",
        "cooperates_with",
        "overall",
    ] {
        assert!(has(&rels, t), "relation row {t} missing:\n{stdout}");
    }
    let overall = |rows: &[Row]| rows.iter().find(|r| r.0 == "overall").unwrap().3;
    assert!((overall(&ents) - entities_f1).abs() < 0.001);
    assert!((overall(&rels) - relations_f1).abs() < 0.001);
    for (t, p, r, f) in ents.iter().chain(rels.iter()) {
        assert!(
            [p, r, f].iter().all(|x| (0.0..=1.0).contains(*x)),
            "{t}: P/R/F1 out of range"
        );
    }
    Score {
        relations_precision: rels.iter().find(|r| r.0 == "overall").unwrap().1,
        relation_types: rels.into_iter().filter(|r| r.0 != "overall").collect(),
        stdout,
        entities_f1,
        relations_f1,
    }
}

#[test]
fn seed_relation_precision_and_every_type_meet_their_floors() {
    let Some(s) = score() else { return };
    assert!(
        s.relations_precision >= RELATIONS_PRECISION_FLOOR,
        "relations precision {} fell below {RELATIONS_PRECISION_FLOOR}:\n{}",
        s.relations_precision,
        s.stdout
    );
    for (t, _, _, f) in &s.relation_types {
        assert!(
            *f >= RELATION_TYPE_F1_FLOOR,
            "{t} F1 {f} fell below {RELATION_TYPE_F1_FLOOR}:\n{}",
            s.stdout
        );
    }
}

#[test]
fn seed_entities_f1_meets_the_floor() {
    let Some(s) = score() else { return };
    eprintln!(
        "quality: entities F1={:.3} (floor {ENTITIES_F1_FLOOR})",
        s.entities_f1
    );
    assert!(
        s.entities_f1 >= ENTITIES_F1_FLOOR,
        "entities F1 {} fell below the floor {ENTITIES_F1_FLOOR}:\n{}",
        s.entities_f1,
        s.stdout
    );
}

#[test]
fn seed_relations_f1_meets_the_floor() {
    let Some(s) = score() else { return };
    eprintln!(
        "quality: relations F1={:.3} (floor {RELATIONS_F1_FLOOR})",
        s.relations_f1
    );
    assert!(
        s.relations_f1 >= RELATIONS_F1_FLOOR,
        "relations F1 {} fell below the floor {RELATIONS_F1_FLOOR}:\n{}",
        s.relations_f1,
        s.stdout
    );
}

#[test]
fn news_entities_and_relations_meet_their_floors() {
    let Some(s) = news_score() else { return };
    eprintln!(
        "quality: news entities F1={:.3} relations F1={:.3} P={:.3} (floors {NEWS_ENTITIES_F1_FLOOR}, {NEWS_RELATIONS_F1_FLOOR}, {NEWS_RELATIONS_PRECISION_FLOOR})",
        s.entities_f1, s.relations_f1, s.relations_precision
    );
    assert!(
        s.entities_f1 >= NEWS_ENTITIES_F1_FLOOR,
        "news entities F1 {} fell below the floor {NEWS_ENTITIES_F1_FLOOR}:\n{}",
        s.entities_f1,
        s.stdout
    );
    assert!(
        s.relations_f1 >= NEWS_RELATIONS_F1_FLOOR,
        "news relations F1 {} fell below the floor {NEWS_RELATIONS_F1_FLOOR}:\n{}",
        s.relations_f1,
        s.stdout
    );
    assert!(
        s.relations_precision >= NEWS_RELATIONS_PRECISION_FLOOR,
        "news relations precision {} fell below {NEWS_RELATIONS_PRECISION_FLOOR}:\n{}",
        s.relations_precision,
        s.stdout
    );
    for (t, floor) in NEWS_RELATION_TYPE_F1_FLOORS {
        let f = s
            .relation_types
            .iter()
            .find(|r| r.0 == *t)
            .unwrap_or_else(|| panic!("no {t} row:\n{}", s.stdout))
            .3;
        assert!(
            f >= *floor,
            "news {t} F1 {f} fell below {floor}:\n{}",
            s.stdout
        );
    }
}
