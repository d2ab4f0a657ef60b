//! Pipeline throughput on the seed corpus (`seeds/*.txt`, concatenated):
//! (a) sentence splitting only, (b) split + tag, (c) split + tag + relations, and
//! (d) a full `Pipeline::extract` of the `seeds/` directory into a graph.
//!
//! `cargo bench` (about a minute); `cargo bench -- split` runs one group.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use silkgraph::corpus::{self, Document};
use silkgraph::pipeline::{ExtractOptions, Pipeline};
use silkgraph::text::{split_sentences, SentenceSpan};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The seed corpus as one document (files in name order, a blank line between them).
fn seed_text() -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("seeds/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds/*.txt");
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed file is UTF-8"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn pipeline_benches(c: &mut Criterion) {
    let text = seed_text();
    let bytes = text.len() as u64;
    let pipeline = Pipeline::load(&Default::default()).expect("default gazetteer");
    let doc = || Document::new("seeds", text.clone());

    let mut g = c.benchmark_group("seeds");
    // Each iteration takes tens of milliseconds: flat sampling, few samples.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(bytes));

    // (a) Sentence splitting alone, line by line as `analyse` does it.
    g.bench_function("split", |b| {
        let mut spans: Vec<SentenceSpan> = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for line in black_box(&text).lines() {
                if line.trim().is_empty() {
                    continue;
                }
                spans.clear();
                split_sentences(line, &mut spans);
                n += spans.len();
            }
            black_box(n)
        })
    });

    // (b) Split + tag (boilerplate, sentences, mentions).
    g.bench_function("split+tag", |b| {
        b.iter_batched(
            doc,
            |d| black_box(pipeline.analyse(d, false)),
            BatchSize::LargeInput,
        )
    });

    // (c) Split + tag + typed relations.
    g.bench_function("split+tag+relations", |b| {
        b.iter_batched(
            doc,
            |d| black_box(pipeline.analyse(d, true)),
            BatchSize::LargeInput,
        )
    });

    // (d) Full extraction of the seeds directory into a graph (reading files, parallel
    // analysis, merging, normalising); bytes are the seed files' total size.
    let sources = corpus::collect_sources(&[seeds_dir()]).expect("seed sources");
    let file_bytes: u64 = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    g.throughput(Throughput::Bytes(file_bytes));
    g.bench_function("extract", |b| {
        b.iter(|| {
            let (graph, report) = pipeline
                .extract(&sources, &ExtractOptions::default(), |_| {}, |_| {})
                .expect("extract seeds");
            black_box((graph.node_count(), report.sentences))
        })
    });
    g.finish();
}

criterion_group!(benches, pipeline_benches);
criterion_main!(benches);
