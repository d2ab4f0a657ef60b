//! Exact merge of partial graphs. Property: the seeds plus the news corpus (plus a few
//! documents with copied sentences written here) split at random into 1–8 parts, each part
//! read in a random order and extracted with `mergeable`, merged in a random reduce tree
//! (some intermediate results going through their JSON snapshot), gives the JSON of one
//! extraction of the whole, for several option sets. Then the CLI: a reduce tree of
//! `silkgraph merge`, and the errors (different fingerprints, no keys, a corrupt part).

mod common;

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use common::{run_ok, seeds, shared, silkgraph};
use proptest::prelude::*;
use silkgraph::corpus::Source;
use silkgraph::export::{self, Format};
use silkgraph::graph::KnowledgeGraph;
use silkgraph::merge::{self, merge};
use silkgraph::pipeline::{ExtractOptions, Pipeline, RelationMode};

static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| Pipeline::load(&Default::default()).expect("default gazetteer loads"));

/// Documents whose sentences recur in other documents: a verbatim copy under another id, a
/// copy in capitals, and a sentence whose reference resolves differently by context.
const EXTRA: &[(&str, &str)] = &[
    (
        "zz_copy_a.txt",
        "Kazakhstan signed a contract to buy Su-30SM fighters from Russia.\n\nThe deal was agreed in 2019. It also ordered helicopters from Russia.\n",
    ),
    (
        "zz_copy_b.txt",
        "Kazakhstan signed a contract to buy Su-30SM fighters from Russia.\n\nThe deal was agreed in 2019. It also ordered helicopters from Russia.\n",
    ),
    (
        "zz_copy_c.txt",
        "KAZAKHSTAN SIGNED A CONTRACT TO BUY SU-30SM FIGHTERS FROM RUSSIA.\n\nUzbekistan held talks with China on drones. It also ordered helicopters from Russia.\n",
    ),
    // A sentence that names nothing and relates only by context ("the two countries"),
    // copied: it counts once, in a part as in the whole.
    (
        "zz_ctx_a.txt",
        "Canada and Mexico held talks in Ottawa.\n\nThat this right exists was acknowledged in the last treaty between the two countries.\n",
    ),
    (
        "zz_ctx_b.txt",
        "Canada and Mexico held talks in Ottawa.\n\nThat this right exists was acknowledged in the last treaty between the two countries.\n",
    ),
    // Dated by their names under `--date-from-filename` (presets 4 and 5): a sentence
    // republished on a later day, and a same-day copy.
    (
        "2024-01-05_dated_a.txt",
        "Turkey delivered Bayraktar TB2 drones to Kyrgyzstan.\n\nKyrgyzstan and Tajikistan clashed on the border.\n",
    ),
    (
        "2024-02-10_dated_b.txt",
        "Turkey delivered Bayraktar TB2 drones to Kyrgyzstan.\n\nChina and Kyrgyzstan agreed to build the railway.\n",
    ),
    (
        "2024-02-10_dated_c.txt",
        "China and Kyrgyzstan agreed to build the railway.\n",
    ),
];

/// The corpus as (id, path), sorted by id (the order a directory is read in).
static CORPUS: LazyLock<(tempfile::TempDir, Vec<(String, PathBuf)>)> = LazyLock::new(|| {
    let dir = tempfile::TempDir::new().unwrap();
    let news = shared().join("eval/news/corpus");
    assert!(news.is_dir(), "{} is needed", news.display());
    let mut docs: Vec<(String, PathBuf)> = Vec::new();
    for d in [seeds(), news] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                docs.push((p.file_name().unwrap().to_string_lossy().into_owned(), p));
            }
        }
    }
    for (name, text) in EXTRA {
        docs.push((name.to_string(), common::write(dir.path(), name, text)));
    }
    docs.sort();
    (dir, docs)
});

fn docs() -> &'static [(String, PathBuf)] {
    &CORPUS.1
}

/// Option sets the property runs with: defaults; a low evidence cap with a weight filter;
/// typed relations only (isolated nodes dropped); co-occurrence only; documents dated by file
/// name; the same with a date window (undated documents left out).
fn options(preset: usize, mergeable: bool) -> ExtractOptions {
    let mut o = ExtractOptions {
        mergeable,
        ..Default::default()
    };
    match preset {
        1 => {
            o.max_evidence = Some(2);
            o.min_weight = 2;
        }
        2 => {
            o.relations = RelationMode::Typed;
            o.max_evidence = Some(3);
        }
        3 => {
            o.relations = RelationMode::Cooccurrence;
            o.min_weight = 3;
        }
        4 => o.date_from_filename = true,
        5 => {
            o.date_from_filename = true;
            o.since = silkgraph::dates::parse_date("2023-06-01");
            o.max_evidence = Some(3);
        }
        _ => {}
    }
    o
}
const PRESETS: usize = 6;

fn extract(docs: &[&(String, PathBuf)], options: &ExtractOptions) -> KnowledgeGraph {
    extract_with(&PIPELINE, docs, options)
}

/// Extract with `pipeline`: a part gets a pipeline of its own, as on another machine (the
/// entities the pattern recogniser finds are numbered in the order it finds them).
fn extract_with(
    pipeline: &Pipeline,
    docs: &[&(String, PathBuf)],
    options: &ExtractOptions,
) -> KnowledgeGraph {
    let sources: Vec<Source> = docs
        .iter()
        .map(|(id, path)| Source::Text {
            path: path.clone(),
            id: id.clone(),
        })
        .collect();
    pipeline
        .extract(&sources, options, |_| {}, |_| {})
        .expect("extraction")
        .0
}

fn json(g: &KnowledgeGraph) -> String {
    export::render(g, Format::Json, &Default::default())
}

/// The JSON of one plain extraction of the whole corpus, per preset.
fn whole(preset: usize) -> &'static str {
    static WHOLE: [OnceLock<String>; PRESETS] = [const { OnceLock::new() }; PRESETS];
    WHOLE[preset].get_or_init(|| {
        let all: Vec<_> = docs().iter().collect();
        json(&extract(&all, &options(preset, false)))
    })
}

/// A small deterministic generator for shuffles and tree shapes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Merge `graphs` pairwise in a random tree; some intermediate graphs go through JSON.
fn reduce(mut graphs: Vec<KnowledgeGraph>, rng: &mut Rng) -> KnowledgeGraph {
    while graphs.len() > 1 {
        let a = graphs.swap_remove(rng.below(graphs.len()));
        let b = graphs.swap_remove(rng.below(graphs.len()));
        let mut m = merge([a, b]).expect("same fingerprint");
        if rng.below(3) == 0 {
            m = export::from_json(Path::new("m.json"), &json(&m)).expect("snapshot loads");
        }
        graphs.push(m);
    }
    graphs.pop().expect("one graph left")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_split_in_any_order_and_tree_merges_to_the_whole(
        assign in proptest::collection::vec(0usize..8, 64),
        parts in 1usize..=8,
        seed in 1u64..,
        preset in 0usize..PRESETS,
    ) {
        let mut rng = Rng(seed);
        let mut split: Vec<Vec<&(String, PathBuf)>> = vec![Vec::new(); parts];
        for (i, d) in docs().iter().enumerate() {
            split[assign[i % assign.len()] % parts].push(d);
        }
        let mut graphs = Vec::new();
        for mut part in split.into_iter().filter(|p| !p.is_empty()) {
            rng.shuffle(&mut part);
            let fresh = Pipeline::load(&Default::default()).expect("default gazetteer loads");
            let g = extract_with(&fresh, &part, &options(preset, true));
            // Half the parts travel as JSON snapshots, as they do between machines.
            graphs.push(if rng.below(2) == 0 {
                export::from_json(Path::new("part.json"), &json(&g)).expect("snapshot loads")
            } else {
                g
            });
        }
        let mut g = reduce(graphs, &mut rng);
        merge::finish(&mut g);
        prop_assert!(g.merge_keys.is_none());
        prop_assert_eq!(json(&g), whole(preset));
    }

    /// Reading order does not matter to a plain extraction either: duplicates count at the
    /// first copy of their key, and every copy of a key adds the same.
    #[test]
    fn extraction_does_not_depend_on_document_order(seed in 1u64.., preset in 0usize..PRESETS) {
        let mut all: Vec<_> = docs().iter().collect();
        Rng(seed).shuffle(&mut all);
        prop_assert_eq!(json(&extract(&all, &options(preset, false))), whole(preset));
    }
}

/// Merge commutes and associates on the snapshots themselves (keys included).
#[test]
fn merge_is_commutative_and_associative() {
    let all: Vec<_> = docs().iter().collect();
    let thirds: Vec<Vec<_>> = all.chunks(all.len() / 3 + 1).map(<[_]>::to_vec).collect();
    let part = |i: usize| extract(&thirds[i], &options(0, true));
    let m = |v: Vec<KnowledgeGraph>| merge(v).unwrap();
    let ab = json(&m(vec![part(0), part(1)]));
    assert_eq!(ab, json(&m(vec![part(1), part(0)])));
    let left = json(&m(vec![m(vec![part(0), part(1)]), part(2)]));
    let right = json(&m(vec![part(0), m(vec![part(1), part(2)])]));
    assert_eq!(left, right);
    assert!(left.contains("\"merge\""));
    // A merge of one snapshot is the snapshot (settled).
    let once = m(vec![m(vec![part(0)])]);
    assert_eq!(json(&once), json(&m(vec![part(0)])));
}

#[test]
fn the_library_refuses_graphs_without_keys_or_with_another_fingerprint() {
    let all: Vec<_> = docs().iter().take(3).collect();
    let plain = extract(&all, &options(0, false));
    let err = merge([plain]).unwrap_err().to_string();
    assert!(err.contains("--mergeable"), "{err}");
    let a = extract(&all, &options(0, true));
    let b = extract(&all, &options(1, true));
    let err = merge([a, b]).unwrap_err().to_string();
    assert!(err.contains("fingerprint"), "{err}");
}

// ------------------------------------------------------------------------------- CLI

/// Copy `docs` into `dir` (the ids are the file names, as in the whole corpus's directory).
fn part_dir(dir: &Path, docs: &[&(String, PathBuf)]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for (id, path) in docs {
        std::fs::copy(path, dir.join(id)).unwrap();
    }
    dir.to_path_buf()
}

#[test]
fn cli_reduce_tree_gives_the_whole_and_errors_exit_2() {
    let t = tempfile::TempDir::new().unwrap();
    let all: Vec<_> = docs().iter().collect();
    let whole_dir = part_dir(&t.path().join("all"), &all);
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| {
            let mine: Vec<_> = all.iter().skip(i).step_by(3).copied().collect();
            part_dir(&t.path().join(format!("p{i}")), &mine)
        })
        .collect();
    let snap = |i: usize| t.path().join(format!("p{i}.json"));
    for (i, dir) in parts.iter().enumerate() {
        run_ok([
            "extract".as_ref(),
            "--mergeable".as_ref(),
            "-q".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            snap(i).as_os_str(),
        ]);
    }
    let out = |name: &str| t.path().join(name);
    for ext in ["json", "graphml"] {
        run_ok([
            "extract".as_ref(),
            "-q".as_ref(),
            whole_dir.as_os_str(),
            "-o".as_ref(),
            out(&format!("whole.{ext}")).as_os_str(),
        ]);
    }
    // (p2 + p0) then + p1, the inner merge kept mergeable.
    run_ok([
        "merge".as_ref(),
        "--mergeable".as_ref(),
        snap(2).as_os_str(),
        snap(0).as_os_str(),
        "-o".as_ref(),
        out("m20.json").as_os_str(),
    ]);
    for ext in ["json", "graphml"] {
        run_ok([
            "merge".as_ref(),
            out("m20.json").as_os_str(),
            snap(1).as_os_str(),
            "-o".as_ref(),
            out(&format!("merged.{ext}")).as_os_str(),
        ]);
        let a = std::fs::read(out(&format!("whole.{ext}"))).unwrap();
        let b = std::fs::read(out(&format!("merged.{ext}"))).unwrap();
        assert!(a == b, "merged.{ext} differs from whole.{ext}");
    }
    // A mergeable snapshot is a snapshot: stats and neighbors read it.
    run_ok(["stats".as_ref(), snap(0).as_os_str()]);

    let fails = |args: &[&std::ffi::OsStr], needles: &[&str]| {
        let o = silkgraph().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        for n in needles {
            assert!(err.contains(n), "{n:?} not in {err}");
        }
    };
    // Another evidence cap: another fingerprint; both files named.
    let other = out("p1-cap5.json");
    run_ok([
        "extract".as_ref(),
        "--mergeable".as_ref(),
        "-q".as_ref(),
        "--max-evidence".as_ref(),
        "5".as_ref(),
        parts[1].as_os_str(),
        "-o".as_ref(),
        other.as_os_str(),
    ]);
    let s0 = snap(0);
    let p0 = s0.to_str().unwrap();
    fails(
        &[
            "merge".as_ref(),
            s0.as_os_str(),
            other.as_os_str(),
            "-o".as_ref(),
            out("x.json").as_os_str(),
        ],
        &[p0, other.to_str().unwrap(), "fingerprint"],
    );
    // A plain snapshot has no keys.
    fails(
        &[
            "merge".as_ref(),
            s0.as_os_str(),
            out("whole.json").as_os_str(),
        ],
        &["whole.json", "no merge keys", "--mergeable"],
    );
    // A corrupt part is named.
    let bad = common::write(t.path(), "bad.json", "{\"directed\": tru");
    fails(
        &["merge".as_ref(), s0.as_os_str(), bad.as_os_str()],
        &["bad.json"],
    );
    // Keys that do not parse are named with the file too.
    let text = std::fs::read_to_string(&s0).unwrap();
    let open = "\"edges\": [\n      \"";
    let at = text.find(open).expect("merge edges section") + open.len();
    let mut broken = text.clone();
    broken.replace_range(at..at + 1, "z");
    let broken = common::write(t.path(), "broken.json", broken);
    fails(
        &["merge".as_ref(), broken.as_os_str()],
        &["broken.json", "merge section"],
    );
    // --mergeable writes JSON only.
    fails(
        &[
            "extract".as_ref(),
            "--mergeable".as_ref(),
            parts[0].as_os_str(),
            "-o".as_ref(),
            out("p.graphml").as_os_str(),
        ],
        &["--mergeable writes a JSON snapshot"],
    );
    assert!(!out("x.json").exists(), "a failed merge writes nothing");
}
