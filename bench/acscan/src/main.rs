//! acscan ALIASES.jsonl CORPUS.txt
//!
//! The practical ceiling for silkgraph's matcher: one `aho_corasick` automaton,
//! `MatchKind::LeftmostLongest` + `ascii_case_insensitive(true)`, default kind
//! (ContiguousNFA at this size), built over every alias of
//! `silkgraph gazetteer list --format jsonl`, then `find_iter` over the corpus
//! bytes counting raw matches. No word-boundary check, no case-sensitive check,
//! no sentence splitting, no graph: whatever silkgraph does on top of this is
//! the cost of its semantics.
//!
//! Prints one JSON line: bytes, aliases, matches, build_s, scan_s, scan_MBps, heap_bytes.
use aho_corasick::{AhoCorasick, MatchKind};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: acscan ALIASES.jsonl CORPUS.txt");
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let jsonl = std::fs::read_to_string(&args[1]).expect("read aliases");
    let mut aliases: Vec<String> = Vec::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("jsonl line");
        aliases.push(v["alias"].as_str().expect("alias field").to_string());
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&aliases)
        .expect("build automaton");
    let build_s = t0.elapsed().as_secs_f64();

    let hay = std::fs::read(&args[2]).expect("read corpus");
    let t1 = Instant::now();
    let matches = ac.find_iter(&hay).count();
    let scan_s = t1.elapsed().as_secs_f64();
    println!(
        "{{\"tool\":\"acscan\",\"bytes\":{},\"aliases\":{},\"matches\":{},\"build_s\":{:.4},\"scan_s\":{:.4},\"scan_MBps\":{:.2},\"heap_bytes\":{}}}",
        hay.len(),
        aliases.len(),
        matches,
        build_s,
        scan_s,
        hay.len() as f64 / 1e6 / scan_s,
        ac.memory_usage()
    );
}
