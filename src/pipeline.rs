//! The extraction pipeline: documents → sentences → mentions → (relations) → graph.
//!
//! Documents stream through one at a time: a reader thread reads them, the rayon pool
//! analyses several at once, and the calling thread merges each into the graph in corpus
//! order, so the graph is identical for any thread count and the corpus is never held in
//! memory as a whole.

use std::path::PathBuf;

use std::hash::{Hash, Hasher};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::boilerplate::Boilerplate;
use crate::corpus::{self, Document, Item, Source};
use crate::dates::{self, Date};
use crate::error::{Error, Result};
use crate::gazetteer::{EntityIdx, Gazetteer, SourceFile};
use crate::graph::{EdgeFacts, Evidence, KnowledgeGraph, RelationId, CO_OCCURS_WITH};
use crate::matcher::{CapitalCues, Matcher, Mention};
use crate::patterns::Patterns;
use crate::relations::{RelationHit, RelationRules};
use crate::text::{self, Folded, SentenceSpan};

/// A sentence longer than this many bytes is analysed in pieces (see [`MAX_SENTENCE_MENTIONS`]).
pub const MAX_SENTENCE_BYTES: usize = 4096;
/// A sentence naming more than this many entities is analysed in pieces of at most this many
/// mentions, each cut at clause punctuation where there is some (else at a space). Typed
/// relations cost the square (or more) of the mentions and cues of one sentence, and
/// co-occurrence the square of its entities, so a list of a thousand names written as one
/// sentence would take minutes; in pieces the cost grows linearly with the sentence, and
/// co-occurrence pairs are those within one piece. News sentences stay far below both limits
/// (the seed and news corpora: at most 486 bytes and 11 mentions), so their analysis does not
/// change.
pub const MAX_SENTENCE_MENTIONS: usize = 32;

/// With several threads, documents are handed to the workers in batches of about this many
/// bytes (or [`BATCH_ITEMS`] items); a document at least this long travels alone.
const BATCH_BYTES: usize = 64 << 10;
const BATCH_ITEMS: usize = 256;

/// Which edges `extract` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationMode {
    /// Typed relations only.
    Typed,
    /// Co-occurrence edges only.
    Cooccurrence,
    /// Both.
    #[default]
    All,
}

impl RelationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationMode::Typed => "typed",
            RelationMode::Cooccurrence => "cooccurrence",
            RelationMode::All => "all",
        }
    }
}

/// Where the gazetteer comes from.
#[derive(Debug, Clone, Default)]
pub struct GazetteerConfig {
    /// Extra directories loaded on top of (or instead of) the embedded files.
    pub dirs: Vec<PathBuf>,
    pub no_default: bool,
}

/// A sentence and what was found in it.
#[derive(Debug, Clone)]
pub struct SentenceRecord {
    /// 0-based index among the document's kept sentences.
    pub index: usize,
    pub span: SentenceSpan,
    pub key: u64,
    pub mentions: Vec<Mention>,
    pub relations: Vec<RelationHit>,
}

/// The analysis of one document.
#[derive(Debug, Clone)]
pub struct DocAnalysis {
    pub id: String,
    pub text: String,
    /// As in [`Document`]: where `text` starts in the document, and whether it continues
    /// the previous item's document. Spans below are relative to `text`.
    pub offset: usize,
    pub continues: bool,
    /// The document's date (metadata, else a dated dateline); for a later part, as read
    /// (the merge gives it the date of its first part).
    pub date: Option<Date>,
    pub sentences: Vec<SentenceRecord>,
    /// Lines skipped as boilerplate, by rule index.
    pub skipped: Vec<usize>,
    pub long_lines: usize,
    /// Over-long sentences cut into pieces (each piece is one record in `sentences`).
    pub cut: CutSentences,
}

/// Sentences of a document that were over the limits and analysed in pieces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CutSentences {
    pub sentences: usize,
    pub pieces: usize,
    pub longest_bytes: usize,
    pub most_mentions: usize,
}

impl CutSentences {
    /// The warning for document `id`, if any sentence was cut.
    pub fn warning(&self, id: &str) -> Option<String> {
        (self.sentences > 0).then(|| {
            format!(
                "{id}: {} over-long sentence{} (longest {} bytes, most {} mentions) analysed in {} pieces of at most {MAX_SENTENCE_BYTES} bytes and {MAX_SENTENCE_MENTIONS} mentions, cut at clause punctuation; relations and co-occurrence do not reach across pieces",
                self.sentences,
                if self.sentences == 1 { "" } else { "s" },
                self.longest_bytes,
                self.most_mentions,
                self.pieces
            )
        })
    }
}

/// Counts of one extraction run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExtractReport {
    pub documents: u64,
    pub bytes: u64,
    pub sentences: u64,
    pub duplicate_sentences: u64,
    pub mentions: u64,
    pub skipped_lines: u64,
    pub skipped_by_rule: Vec<(String, u64)>,
    pub warnings: Vec<String>,
    /// Documents (of those counted in `documents`) with a date.
    #[serde(skip_serializing_if = "is_zero")]
    pub dated: u64,
    /// With a window (`since`/`until`): documents left out as undated, and as dated outside.
    #[serde(skip_serializing_if = "is_zero")]
    pub undated_excluded: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub outside_window: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Options of one extraction.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    pub relations: RelationMode,
    /// Drop co-occurrence edges with a weight below this.
    pub min_weight: u64,
    /// Part size for very large documents (default [`corpus::PART_BYTES`]).
    pub part_bytes: Option<usize>,
    /// Evidence entries kept per edge (default [`crate::graph::DEFAULT_MAX_EVIDENCE`]).
    pub max_evidence: Option<usize>,
    /// `Typed` mode: keep the entities no typed relation names (by default they are
    /// dropped; otherwise more than half of a typed graph is edgeless nodes).
    pub keep_isolated: bool,
    /// Keep the sentence and document keys an exact merge needs ([`crate::merge`]); the
    /// graph is then left unfiltered (`min_weight` and `keep_isolated` apply at the merge).
    pub mergeable: bool,
    /// Keep only documents dated within `since..=until` (either end open). With either set,
    /// undated documents are left out too (counted in the report).
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Date documents that have no date of their own by their file name
    /// ([`dates::date_from_file_name`]).
    pub date_from_filename: bool,
}

impl ExtractOptions {
    fn has_window(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    fn in_window(&self, d: Date) -> bool {
        self.since.is_none_or(|s| s <= d) && self.until.is_none_or(|u| d <= u)
    }
}

/// Everything needed to analyse text: gazetteer, matcher, boilerplate and relation rules.
pub struct Pipeline {
    pub gazetteer: Gazetteer,
    pub matcher: Matcher,
    pub boilerplate: Boilerplate,
    pub rules: RelationRules,
    /// The pattern recogniser's rules (entities the gazetteer does not list).
    pub patterns: Patterns,
    /// Hash of the program version and the data files loaded (gazetteer, patterns,
    /// relation and text rules): mergeable snapshots record it. [`Self::new`] cannot see
    /// the files its gazetteer came from; its callers set this if they merge.
    pub fingerprint: u64,
    /// Each analysing thread's memo of relations ([`crate::relations::RelationMemo`]).
    relation_memo: thread_local::ThreadLocal<std::cell::RefCell<crate::relations::RelationMemo>>,
}

/// A read item after analysis.
enum Analysed {
    Warning(String),
    /// Boxed: items travel through channels, and a small one moves cheaply.
    Doc(Box<DocAnalysis>),
}

/// Where an analysed document (or part) goes in the graph.
#[derive(Debug, Clone, Copy)]
struct DocPlace {
    doc_no: u32,
    /// Sentences of the document's earlier parts.
    sentence_base: usize,
    date: Option<Date>,
}

/// The document being merged (all its parts): its key so far and the nodes it names.
#[derive(Default)]
struct OpenDoc {
    open: bool,
    key: rustc_hash::FxHasher,
    nodes: Vec<petgraph::stable_graph::NodeIndex>,
}

/// The graph node of each entity and the graph's id of each relation, so that merging a
/// sentence hashes no names: at news density a sentence adds dozens of edges.
#[derive(Default)]
struct NodeCache {
    nodes: Vec<Option<NodeIndex>>,
    /// By relation rule index; the last slot is co-occurrence.
    relations: Vec<Option<RelationId>>,
    /// Rule names, one shared copy each for the evidence entries that name them.
    rules: FxHashSet<std::sync::Arc<str>>,
}

impl NodeCache {
    fn node(&mut self, graph: &mut KnowledgeGraph, g: &Gazetteer, e: EntityIdx) -> NodeIndex {
        let i = e as usize;
        if i >= self.nodes.len() {
            self.nodes.resize(i + 1, None);
        }
        *self.nodes[i].get_or_insert_with(|| graph.node_for(g.entity(e)))
    }

    /// The shared copy of the rule name `rule`.
    fn rule(&mut self, rule: &str) -> std::sync::Arc<str> {
        if let Some(r) = self.rules.get(rule) {
            return r.clone();
        }
        let r: std::sync::Arc<str> = rule.into();
        self.rules.insert(r.clone());
        r
    }

    /// `rule`: a relation rule index, or `None` for co-occurrence.
    fn relation(
        &mut self,
        graph: &mut KnowledgeGraph,
        rules: &RelationRules,
        rule: Option<usize>,
    ) -> RelationId {
        let n = rules.relations().len();
        if self.relations.len() <= n {
            self.relations.resize(n + 1, None);
        }
        let i = rule.unwrap_or(n);
        *self.relations[i].get_or_insert_with(|| {
            graph.relation(rule.map_or(CO_OCCURS_WITH, |r| rules.relation(r).name.as_str()))
        })
    }
}

/// What the serial merge accumulates.
struct MergeState {
    graph: KnowledgeGraph,
    cache: NodeCache,
    report: ExtractReport,
    skipped_by_rule: Vec<u64>,
    /// Keys of sentences already counted (only those naming an entity).
    seen: crate::keys::KeySet,
    /// Keys of documents already counted.
    seen_docs: FxHashSet<u64>,
    doc: OpenDoc,
    /// Number of the document being merged, and of documents started.
    doc_no: u32,
    docs_started: u32,
    /// For a document read in parts: sentences in its earlier parts, and in the last one.
    sentence_base: usize,
    part_sentences: usize,
    /// The date of the document being merged (its later parts take it), and whether it is
    /// left out by the window.
    doc_date: Option<Date>,
    doc_excluded: bool,
}

impl MergeState {
    fn new(rules: usize) -> Self {
        MergeState {
            graph: KnowledgeGraph::new(),
            cache: NodeCache::default(),
            report: ExtractReport::default(),
            skipped_by_rule: vec![0; rules],
            seen: Default::default(),
            seen_docs: FxHashSet::default(),
            doc: OpenDoc::default(),
            doc_no: 0,
            docs_started: 0,
            sentence_base: 0,
            part_sentences: 0,
            doc_date: None,
            doc_excluded: false,
        }
    }
}

impl Pipeline {
    /// Load the gazetteer (embedded and/or user directories) and the embedded rules.
    pub fn load(config: &GazetteerConfig) -> Result<Self> {
        let mut files: Vec<SourceFile> = Vec::new();
        if !config.no_default {
            files.extend(crate::gazetteer::embedded_files());
        }
        for d in &config.dirs {
            files.extend(crate::gazetteer::read_dir_files(d)?);
        }
        if files.is_empty() {
            return Err(Error::Invalid(
                "no gazetteer: --no-default-gazetteer needs at least one --gazetteer DIR".into(),
            ));
        }
        let mut pattern_files: Vec<SourceFile> = Vec::new();
        if !config.no_default {
            pattern_files.extend(crate::gazetteer::embedded_pattern_files());
        }
        for d in &config.dirs {
            pattern_files.extend(crate::gazetteer::read_dir_pattern_files(d)?);
        }
        let mut fingerprint = base_fingerprint();
        for f in files.iter().chain(&pattern_files) {
            f.text.hash(&mut fingerprint);
        }
        // The boilerplate rules do not need the gazetteer: they compile while it loads.
        let (gazetteer, boilerplate) =
            rayon::join(|| Gazetteer::from_sources(&files), Boilerplate::embedded);
        // Relation rules replacing the embedded ones, read before the parallel build so
        // that their text enters the fingerprint.
        let mut user_rules = None;
        for d in &config.dirs {
            let p = d.join("relations.toml");
            if p.is_file() {
                let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                text.hash(&mut fingerprint);
                user_rules = Some((p.display().to_string(), text));
            }
        }
        let mut p = Self::assemble(
            gazetteer?,
            boilerplate?,
            &pattern_files,
            |g| match &user_rules {
                Some((name, text)) => RelationRules::parse(name, text, g),
                None => RelationRules::embedded(g),
            },
        )?;
        p.fingerprint = fingerprint.finish();
        Ok(p)
    }

    /// A pipeline over `gazetteer` with the embedded boilerplate and pattern rules.
    pub fn new(gazetteer: Gazetteer, rules: RelationRules) -> Result<Self> {
        Self::assemble(
            gazetteer,
            Boilerplate::embedded()?,
            &crate::gazetteer::embedded_pattern_files(),
            |_| Ok(rules),
        )
    }

    /// The alias index builds alongside the rules.
    fn assemble(
        gazetteer: Gazetteer,
        boilerplate: Boilerplate,
        pattern_files: &[SourceFile],
        rules: impl FnOnce(&Gazetteer) -> Result<RelationRules> + Send,
    ) -> Result<Self> {
        let (matcher, (rules, patterns)) = rayon::join(
            || Matcher::new(&gazetteer, CapitalCues::embedded()?),
            || {
                rayon::join(
                    || rules(&gazetteer),
                    || Patterns::from_sources(pattern_files, &gazetteer),
                )
            },
        );
        let (rules, patterns, mut matcher) = (rules?, patterns?, matcher?);
        // The reference spotter and the pattern triggers read words in the matcher's walk.
        matcher.also_visit(rules.spotter.phrases().chain(patterns.trigger_words()));
        Ok(Pipeline {
            matcher,
            gazetteer,
            boilerplate,
            rules,
            patterns,
            fingerprint: base_fingerprint().finish(),
            relation_memo: Default::default(),
        })
    }

    /// How many sentences took their relations from an earlier copy
    /// ([`crate::relations::RelationMemo`]), over every thread that analysed.
    pub fn relations_reused(&mut self) -> u64 {
        self.relation_memo
            .iter_mut()
            .map(|m| m.get_mut().hits)
            .sum()
    }

    /// Split, tag and relate one document.
    pub fn analyse(&self, doc: Document, with_relations: bool) -> DocAnalysis {
        let text = doc.text;
        let dateline = if doc.continues {
            None
        } else {
            dates::find_dateline(&text)
        };
        let date = dates::document_date(doc.date, dateline.as_ref().and_then(|d| d.date));
        let mut spans = Vec::new();
        let mut skipped = Vec::new();
        let mut long_lines = 0;
        let mut line_start = 0;
        let mut line_buf = Vec::new();
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            if body.len() > corpus::LONG_LINE_BYTES {
                long_lines += 1;
            }
            if let Some(rule) = self.boilerplate.matches(body) {
                skipped.push(rule);
            } else if !body.trim().is_empty() {
                line_buf.clear();
                text::split_sentences(body, &mut line_buf);
                spans.extend(line_buf.iter().map(|s| SentenceSpan {
                    start: line_start + s.start,
                    end: line_start + s.end,
                }));
            }
            line_start += line.len();
        }
        let mut folded = Folded::default();
        let mut spots = Vec::new();
        let mut triggers = Vec::new();
        let spotter = &self.rules.spotter;
        let patterns = &self.patterns;
        let mut mentions = self.matcher.find_visiting_words(
            &self.gazetteer,
            &text,
            &spans,
            &mut folded,
            |f, start, end, hash| {
                if with_relations {
                    spotter.spot(f, start, end, hash, &mut spots);
                }
                patterns.spot(f, start, end, hash, &mut triggers);
            },
        );
        patterns.recognise(
            &self.gazetteer,
            &text,
            &spans,
            &folded,
            &triggers,
            &mut mentions,
        );
        // Assign mentions to sentences (both sorted by start).
        let mut sentences: Vec<SentenceRecord> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| SentenceRecord {
                index: i,
                span: *s,
                // Keys hash the sentence's slice of the folded copy (one fold per document).
                key: text::folded_sentence_key(
                    &folded.text.as_bytes()[folded.to_folded(s.start)..folded.to_folded(s.end)],
                ),
                mentions: Vec::new(),
                relations: Vec::new(),
            })
            .collect();
        let mut si = 0;
        for m in mentions {
            while si < sentences.len() && sentences[si].span.end <= m.start {
                si += 1;
            }
            if si == sentences.len() {
                break;
            }
            let s = &mut sentences[si];
            if s.span.start <= m.start && m.end <= s.span.end {
                s.mentions.push(m);
            }
        }
        let cut = cut_long_sentences(&text, &folded, &mut sentences);
        if with_relations {
            // A dateline's place is where the story was filed, not a party to it ("ASTANA –
            // Uzbekistan and Pakistan signed..." is no Kazakh agreement): its mention stays
            // (the place is named) but takes no part in typed relations.
            let mut held = Vec::new();
            if let Some(place) = dateline.as_ref().map(|d| d.place.clone()) {
                for (i, s) in sentences.iter_mut().enumerate() {
                    if s.span.start >= place.end {
                        break;
                    }
                    let (out, keep) = std::mem::take(&mut s.mentions)
                        .into_iter()
                        .partition(|m| m.start >= place.start && m.end <= place.end);
                    s.mentions = keep;
                    held.extend(std::iter::repeat(i).zip(out as Vec<Mention>));
                }
            }
            let mut memo = self.relation_memo.get_or_default().borrow_mut();
            self.rules.relate_document(
                &self.gazetteer,
                &text,
                &folded,
                &spots,
                &mut sentences,
                Some(&mut memo),
            );
            for (i, m) in held {
                let ms = &mut sentences[i].mentions;
                let at = ms.partition_point(|x| x.start < m.start);
                ms.insert(at, m);
            }
        }
        DocAnalysis {
            id: doc.id,
            text,
            offset: doc.offset,
            continues: doc.continues,
            date,
            sentences,
            skipped,
            long_lines,
            cut,
        }
    }

    /// Extract the graph of a corpus. `on_warning` sees each warning as it happens;
    /// `on_progress` sees the bytes read so far.
    ///
    /// With one worker thread everything runs in turn on the calling thread; with more, see
    /// [`Self::extract_parallel`]. Documents are merged in corpus order either way, so the
    /// graph does not depend on the thread count.
    pub fn extract(
        &self,
        sources: &[Source],
        options: &ExtractOptions,
        mut on_warning: impl FnMut(&str),
        mut on_progress: impl FnMut(u64),
    ) -> Result<(KnowledgeGraph, ExtractReport)> {
        let with_relations = options.relations != RelationMode::Cooccurrence;
        let part_bytes = options.part_bytes.unwrap_or(corpus::PART_BYTES);
        let mut state = MergeState::new(self.boilerplate.rule_count());
        if let Some(n) = options.max_evidence {
            state.graph.set_max_evidence(n);
        }
        if options.mergeable {
            let o = crate::merge::MergeOptions::of(options);
            state.graph.merge_keys = Some(Box::new(crate::merge::MergeKeys::new(
                crate::merge::fingerprint(self.fingerprint, &o),
                o,
            )));
        }
        let mut handle = |state: &mut MergeState, item: Analysed| match item {
            Analysed::Warning(w) => {
                on_warning(&w);
                state.report.warnings.push(w);
            }
            Analysed::Doc(a) => {
                if let Some(w) = a.cut.warning(&a.id) {
                    on_warning(&w);
                    state.report.warnings.push(w);
                }
                self.merge_doc(state, &a, options);
                on_progress(state.report.bytes);
            }
        };
        if rayon::current_num_threads() <= 1 {
            for src in sources {
                let file_date = file_date(src, options);
                corpus::for_each_item_in_parts(src, part_bytes, &mut |item| {
                    let item = dated(item, file_date);
                    handle(&mut state, self.analyse_item(item, with_relations));
                    Ok(())
                })?;
            }
        } else {
            self.extract_parallel(sources, options, part_bytes, with_relations, |item| {
                handle(&mut state, item)
            })?;
        }
        close_doc(&mut state);
        let MergeState {
            mut graph,
            mut report,
            skipped_by_rule,
            ..
        } = state;

        if options.mergeable {
            // Filters apply to the merged graph (`crate::merge::finish`): a light edge of
            // one part may be heavy in the whole.
        } else if options.min_weight > 1 {
            let min = options.min_weight;
            graph.retain_edges(|e| &*e.relation != CO_OCCURS_WITH || e.weight >= min);
        }
        if options.relations == RelationMode::Typed && !options.keep_isolated && !options.mergeable
        {
            graph.remove_isolated();
        }
        graph.normalise();
        // A found entity's label does not depend on which document named it first; nor do
        // the resolutions naming it, written with the name it was first found under.
        let mut renamed = Vec::new();
        let nodes: Vec<_> = graph.graph.node_indices().collect();
        for ni in nodes {
            let n = &mut graph.graph[ni];
            if n.source == crate::graph::NodeSource::Pattern {
                if let Some(i) = self.gazetteer.get(&n.id) {
                    n.label = self.gazetteer.found_label(i);
                    let first = &self.gazetteer.entity(i).name;
                    if *first != n.label {
                        renamed.push((ni, first.clone(), n.label.clone()));
                    }
                }
            }
        }
        for (ni, from, to) in renamed {
            crate::merge::rename_resolved(&mut graph, ni, &from, &to);
        }
        report.skipped_lines = skipped_by_rule.iter().sum();
        report.skipped_by_rule = skipped_by_rule
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (self.boilerplate.rule_name(i).to_string(), n))
            .collect();
        graph.meta.documents = report.documents;
        graph.meta.sentences = report.sentences;
        graph.meta.duplicate_sentences = report.duplicate_sentences;
        graph.meta.skipped_lines = report.skipped_lines;
        graph.meta.relations = options.relations.as_str().to_string();
        Ok((graph, report))
    }

    fn analyse_item(&self, item: Item, with_relations: bool) -> Analysed {
        match item {
            Item::Warning(w) => Analysed::Warning(w),
            Item::Doc(d) => Analysed::Doc(Box::new(self.analyse(d, with_relations))),
        }
    }

    /// Read, analyse and hand over the items of `sources` in corpus order, with reading,
    /// analysis (on the rayon pool) and `each` (the merge) running at the same time.
    ///
    /// A reader thread sends numbered batches of items through a short channel; a bridge
    /// thread lets the pool's workers take them one by one as they come free (so one long
    /// document does not leave the other workers waiting for a batch to finish); the calling
    /// thread puts the results back in order. Small documents travel in batches of about
    /// [`BATCH_BYTES`]: one channel trip per tweet-sized document cost more than analysing
    /// it, and made two threads three times slower than one on a million short documents.
    /// Channels are bounded, so at most a few batches per worker are in memory. When a stage
    /// stops, the others see their channel close.
    fn extract_parallel(
        &self,
        sources: &[Source],
        options: &ExtractOptions,
        part_bytes: usize,
        with_relations: bool,
        mut each: impl FnMut(Analysed),
    ) -> Result<()> {
        use std::sync::mpsc::{sync_channel, SyncSender};
        let capacity = rayon::current_num_threads();
        type Batch<T> = (u64, Result<Vec<T>>);
        std::thread::scope(|scope| -> Result<()> {
            let (read_tx, read_rx) = sync_channel::<Batch<Item>>(capacity);
            let (done_tx, done_rx) = sync_channel::<Batch<Analysed>>(capacity);
            scope.spawn(move || {
                let mut seq = 0u64;
                let mut batch = Vec::new();
                let mut bytes = 0usize;
                let mut send = |batch: &mut Vec<Item>, bytes: &mut usize| {
                    *bytes = 0;
                    seq += 1;
                    read_tx
                        .send((seq - 1, Ok(std::mem::take(batch))))
                        .map_err(|_| Error::Invalid("extraction stopped".into()))
                };
                for src in sources {
                    let file_date = file_date(src, options);
                    let read = corpus::for_each_item_in_parts(src, part_bytes, &mut |item| {
                        let item = dated(item, file_date);
                        bytes += match &item {
                            Item::Doc(d) => d.text.len(),
                            Item::Warning(_) => 0,
                        };
                        batch.push(item);
                        if bytes >= BATCH_BYTES || batch.len() >= BATCH_ITEMS {
                            send(&mut batch, &mut bytes)?;
                        }
                        Ok(())
                    });
                    if let Err(e) = read {
                        // What was read before the error still goes first.
                        if !batch.is_empty() && send(&mut batch, &mut bytes).is_err() {
                            return;
                        }
                        let _ = read_tx.send((seq, Err(e)));
                        return;
                    }
                }
                if !batch.is_empty() {
                    let _ = send(&mut batch, &mut bytes);
                }
            });
            scope.spawn(move || {
                let _ = read_rx.into_iter().par_bridge().try_for_each_with(
                    done_tx,
                    |tx: &mut SyncSender<_>, (seq, items)| {
                        let out = items.map(|items| {
                            items
                                .into_iter()
                                .map(|item| self.analyse_item(item, with_relations))
                                .collect()
                        });
                        tx.send((seq, out))
                    },
                );
            });
            let mut pending: std::collections::BTreeMap<u64, Vec<Analysed>> = Default::default();
            let mut next = 0u64;
            for (seq, out) in done_rx {
                pending.insert(seq, out?);
                while let Some(items) = pending.remove(&next) {
                    items.into_iter().for_each(&mut each);
                    next += 1;
                }
            }
            Ok(())
        })
    }

    /// Fold one analysed document into the graph state, in corpus order.
    fn merge_doc(&self, state: &mut MergeState, a: &DocAnalysis, options: &ExtractOptions) {
        if !a.continues {
            state.doc_date = a.date;
            state.doc_excluded = options.has_window()
                && match a.date {
                    None => {
                        state.report.undated_excluded += 1;
                        true
                    }
                    Some(d) if !options.in_window(d) => {
                        state.report.outside_window += 1;
                        true
                    }
                    Some(_) => false,
                };
            if !state.doc_excluded && a.date.is_some() {
                state.report.dated += 1;
            }
        }
        if state.doc_excluded {
            return;
        }
        if a.continues {
            state.sentence_base += state.part_sentences;
        } else {
            close_doc(state);
            state.doc.open = true;
            state.report.documents += 1;
            state.doc_no = state.docs_started;
            state.docs_started += 1;
            state.sentence_base = 0;
        }
        state.part_sentences = a.sentences.len();
        state.report.bytes += a.text.len() as u64;
        for &r in &a.skipped {
            state.skipped_by_rule[r] += 1;
        }
        self.merge(
            &mut state.graph,
            &mut state.cache,
            &mut state.report,
            &mut state.seen,
            &mut state.doc,
            a,
            DocPlace {
                doc_no: state.doc_no,
                sentence_base: state.sentence_base,
                date: state.doc_date,
            },
            options.relations,
        );
    }

    /// A graph from a path: a JSON snapshot, GraphML or GEXF written by `extract` (by the
    /// file's extension: `.json`, `.graphml`, `.gexf`, `.xml`), or a corpus (a file,
    /// directory or `-`) extracted on the fly with default options.
    pub fn graph_from(
        &self,
        path: &std::path::Path,
        on_warning: impl FnMut(&str),
    ) -> Result<KnowledgeGraph> {
        if path.is_file() && crate::export::GraphFile::from_path(path).is_some() {
            return crate::export::load_graph(path);
        }
        let sources = corpus::collect_sources(&[path.to_path_buf()])?;
        let (g, _) = self.extract(&sources, &ExtractOptions::default(), on_warning, |_| {})?;
        Ok(g)
    }

    /// Fold one analysed document into the graph.
    ///
    /// A sentence counts (mentions, weights) at the first copy of its key, which hashes its
    /// folded text and what was found in it: every copy of a key adds the same mentions and
    /// edges, so which copy comes first does not matter, and graphs of parts of a corpus
    /// merge exactly ([`crate::merge`]).
    #[allow(clippy::too_many_arguments)]
    fn merge(
        &self,
        graph: &mut KnowledgeGraph,
        cache: &mut NodeCache,
        report: &mut ExtractReport,
        seen: &mut crate::keys::KeySet,
        doc: &mut OpenDoc,
        a: &DocAnalysis,
        place: DocPlace,
        mode: RelationMode,
    ) {
        let DocPlace {
            doc_no,
            sentence_base,
            date,
        } = place;
        let g = &self.gazetteer;
        let doc_id = std::sync::Arc::new(a.id.clone());
        let mut entities: Vec<u32> = Vec::new();
        for s in &a.sentences {
            report.sentences += 1;
            let key = analysis_key(g, s, &a.text);
            key.hash(&mut doc.key);
            // Only sentences that name something (or relate something by context: "the two
            // countries") can weigh on the graph; not remembering the others keeps memory
            // bounded by what the graph holds. A copy of a sentence that relates by context
            // only counts once too, as it does in a merge of parts.
            let weighs = !s.mentions.is_empty() || !s.relations.is_empty();
            let first = !weighs || seen.insert(key);
            if !first && !s.mentions.is_empty() {
                report.duplicate_sentences += 1;
            }
            // Dates count the first copy of a sentence *on each date* (see
            // `dates::DateCounts`): a sentence republished on a later day was reported again
            // then. The (key, date) pairs share the key set; a 64-bit collision between the
            // two kinds is as unlikely as one between keys.
            let first_on_date = match date {
                Some(d) if weighs => seen.insert(dated_key(key, d)),
                _ => false,
            };
            report.mentions += s.mentions.len() as u64;
            if !s.mentions.is_empty() {
                if let Some(k) = graph.merge_keys.as_deref_mut() {
                    k.sentences_with_mentions += 1;
                }
            }
            for m in &s.mentions {
                let surface = &a.text[m.start..m.end];
                // Documents are counted when the document is complete (`close_doc`).
                let n = cache.node(graph, g, m.entity);
                graph.count_mention_at(n, surface, doc_no, first, false);
                doc.nodes.push(n);
                if let Some(d) = date {
                    graph.date_node(n, d, 1, first_on_date);
                    if first_on_date {
                        if let Some(k) = graph.merge_keys.as_deref_mut() {
                            k.mention_on(n, key, d);
                        }
                    }
                }
                if first {
                    if let Some(k) = graph.merge_keys.as_deref_mut() {
                        k.mention(n, surface, key);
                    }
                }
            }
            let support = |graph: &mut KnowledgeGraph, e: Option<EdgeIndex>| {
                let Some(e) = e else { return };
                if let Some(d) = date {
                    graph.date_edge(e, d, first_on_date);
                    if let (true, Some(k)) = (first_on_date, graph.merge_keys.as_deref_mut()) {
                        k.support_on(e, key, d);
                    }
                }
                if let (true, Some(k)) = (first, graph.merge_keys.as_deref_mut()) {
                    k.support(e, key);
                }
            };
            let evidence = || {
                Evidence::new(
                    doc_id.clone(),
                    sentence_base + s.index,
                    a.offset + s.span.start,
                    a.offset + s.span.end,
                )
                .with_date(date)
            };
            if mode != RelationMode::Typed {
                let co_occurs = cache.relation(graph, &self.rules, None);
                entities.clear();
                entities.extend(s.mentions.iter().map(|m| m.entity));
                entities.sort_by(|x, y| g.entity(*x).id.cmp(&g.entity(*y).id));
                entities.dedup();
                for (i, &x) in entities.iter().enumerate() {
                    let nx = cache.node(graph, g, x);
                    for &y in &entities[i + 1..] {
                        let ny = cache.node(graph, g, y);
                        let e = graph.add_edge_between(
                            nx,
                            co_occurs,
                            ny,
                            true,
                            first,
                            evidence(),
                            EdgeFacts::default(),
                        );
                        support(graph, e);
                    }
                }
            }
            if mode != RelationMode::Cooccurrence && !s.relations.is_empty() {
                // One copy of the sentence serves all its edges.
                let sentence: std::sync::Arc<str> = a.text[s.span.start..s.span.end].into();
                for r in &s.relations {
                    let rule = self.rules.relation(r.relation);
                    let ev = evidence().with_detail(
                        Some(sentence.clone()),
                        Some(cache.rule(&r.rule)),
                        r.resolved.clone(),
                    );
                    let (ns, nt) = (
                        cache.node(graph, g, r.source),
                        cache.node(graph, g, r.target),
                    );
                    let relation = cache.relation(graph, &self.rules, Some(r.relation));
                    let e = graph.add_edge_between(
                        ns,
                        relation,
                        nt,
                        rule.symmetric,
                        first,
                        ev,
                        EdgeFacts {
                            weapons: r
                                .weapons
                                .iter()
                                .map(|w| g.entity(*w).name.clone())
                                .collect(),
                            status: r.status,
                            years: r.years.clone(),
                            inferred: r.inferred,
                        },
                    );
                    support(graph, e);
                }
            }
        }
    }
}

/// The fingerprint's start: the program version and the embedded rules it always loads.
fn base_fingerprint() -> rustc_hash::FxHasher {
    let mut h = rustc_hash::FxHasher::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    include_str!("../gazetteer/relations.toml").hash(&mut h);
    crate::embedded::BOILERPLATE.hash(&mut h);
    crate::embedded::CAPITAL_CUES.hash(&mut h);
    crate::embedded::COMMON_WORDS.hash(&mut h);
    h
}

/// The key of a sentence on a date (dates count the first copy on each date).
fn dated_key(key: u64, date: Date) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    (key, date, "dated").hash(&mut h);
    h.finish()
}

/// A sentence's dedup key: its folded text with the entities found in it (and how each is
/// written) and its typed relations. Two copies of a key add the same things to the graph.
/// Entities enter by id: the index of an entity the pattern recogniser found depends on
/// when it was first found, which differs between the runs over parts of a corpus.
fn analysis_key(g: &Gazetteer, s: &SentenceRecord, text: &str) -> u64 {
    if s.mentions.is_empty() && s.relations.is_empty() {
        return s.key;
    }
    let mut h = rustc_hash::FxHasher::default();
    s.key.hash(&mut h);
    for m in &s.mentions {
        g.entity(m.entity).id.hash(&mut h);
        text[m.start..m.end].hash(&mut h);
    }
    for r in &s.relations {
        r.relation.hash(&mut h);
        g.entity(r.source).id.hash(&mut h);
        g.entity(r.target).id.hash(&mut h);
    }
    h.finish()
}

/// Count the document just merged (all its parts) for the nodes it names, unless it is a
/// copy of an earlier one (same sentence keys: the same nodes).
fn close_doc(state: &mut MergeState) {
    let doc = std::mem::take(&mut state.doc);
    if !doc.open || !state.seen_docs.insert(doc.key.finish()) {
        return;
    }
    let key = doc.key.finish();
    let mut nodes = doc.nodes;
    nodes.sort_unstable();
    nodes.dedup();
    for n in nodes {
        state.graph.graph[n].documents += 1;
        if let Some(k) = state.graph.merge_keys.as_deref_mut() {
            k.document(n, key);
        }
    }
}

/// The date `--date-from-filename` gives the documents of `src`, if any.
fn file_date(src: &Source, options: &ExtractOptions) -> Option<Date> {
    match src {
        Source::Text { path, .. } | Source::Jsonl { path, .. } | Source::Html { path, .. }
            if options.date_from_filename =>
        {
            dates::date_from_file_name(&path.file_name()?.to_string_lossy())
        }
        _ => None,
    }
}

/// `item` with `file_date` when it has no date of its own.
fn dated(item: Item, file_date: Option<Date>) -> Item {
    match item {
        Item::Doc(mut d) if d.date.is_none() && file_date.is_some() => {
            d.date = file_date;
            Item::Doc(d)
        }
        other => other,
    }
}

/// Replace each sentence over [`MAX_SENTENCE_BYTES`] or [`MAX_SENTENCE_MENTIONS`] by pieces
/// within both limits (see [`piece_spans`]) and renumber the records. Documents without such
/// a sentence are left exactly as they are.
fn cut_long_sentences(
    text: &str,
    folded: &Folded,
    sentences: &mut Vec<SentenceRecord>,
) -> CutSentences {
    let over = |s: &SentenceRecord| {
        s.span.end - s.span.start > MAX_SENTENCE_BYTES || s.mentions.len() > MAX_SENTENCE_MENTIONS
    };
    let mut cut = CutSentences::default();
    if !sentences.iter().any(over) {
        return cut;
    }
    let old = std::mem::take(sentences);
    for s in old {
        if !over(&s) {
            sentences.push(s);
            continue;
        }
        cut.sentences += 1;
        cut.longest_bytes = cut.longest_bytes.max(s.span.end - s.span.start);
        cut.most_mentions = cut.most_mentions.max(s.mentions.len());
        let pieces = piece_spans(text, s.span, &s.mentions);
        cut.pieces += pieces.len();
        let mut mentions = s.mentions.into_iter().peekable();
        for span in pieces {
            let mut record = SentenceRecord {
                index: 0,
                span,
                key: text::folded_sentence_key(
                    &folded.text.as_bytes()
                        [folded.to_folded(span.start)..folded.to_folded(span.end)],
                ),
                mentions: Vec::new(),
                relations: Vec::new(),
            };
            while let Some(m) = mentions.next_if(|m| m.start < span.end) {
                // Cuts never fall inside a mention, and trimming removes only whitespace.
                if span.start <= m.start && m.end <= span.end {
                    record.mentions.push(m);
                }
            }
            sentences.push(record);
        }
    }
    for (i, s) in sentences.iter_mut().enumerate() {
        s.index = i;
    }
    cut
}

/// Cut `span` of `text` into pieces of at most [`MAX_SENTENCE_BYTES`] bytes and
/// [`MAX_SENTENCE_MENTIONS`] of `mentions` (sorted, in document offsets), never inside a
/// mention or a character. A piece ends after the last clause mark (`,` `;` `:`) followed by
/// a space in the second half of what it may hold, else before its last space, else at the
/// limit. Pieces are trimmed of whitespace; none is empty. Linear in the span.
fn piece_spans(text: &str, span: SentenceSpan, mentions: &[Mention]) -> Vec<SentenceSpan> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = span.start;
    let mut first = 0;
    while start < span.end {
        while first < mentions.len() && mentions[first].start < start {
            first += 1;
        }
        let mut limit = (start + MAX_SENTENCE_BYTES).min(span.end);
        if let Some(m) = mentions.get(first + MAX_SENTENCE_MENTIONS) {
            limit = limit.min(m.start);
        }
        let end = if limit == span.end {
            span.end
        } else {
            // The mentions that can contain a cut in (start, limit].
            let near = &mentions[first..];
            let near = &near[..near.partition_point(|m| m.start < limit)];
            let inside = |c: usize| {
                let k = near.partition_point(|m| m.start < c);
                k > 0 && near[k - 1].end > c
            };
            let half = start + (limit - start) / 2;
            let clause = (half.max(start + 1)..=limit).rev().find(|&c| {
                matches!(bytes[c - 1], b',' | b';' | b':')
                    && bytes.get(c).is_some_and(u8::is_ascii_whitespace)
                    && !inside(c)
            });
            let space = || {
                (start + 1..=limit)
                    .rev()
                    .find(|&c| bytes[c].is_ascii_whitespace() && !inside(c))
            };
            let boundary = || {
                (start + 1..=limit)
                    .rev()
                    .find(|&c| text.is_char_boundary(c) && !inside(c))
            };
            // A single mention longer than the limit: the piece ends with it.
            let whole = || {
                near.first()
                    .filter(|m| m.start == start)
                    .map(|m| m.end.min(span.end))
                    .or_else(|| (limit..=span.end).find(|&c| text.is_char_boundary(c)))
                    .unwrap_or(span.end)
            };
            clause
                .or_else(space)
                .or_else(boundary)
                .unwrap_or_else(whole)
        };
        let piece = &text[start..end];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let s = start + (trimmed.as_ptr() as usize - piece.as_ptr() as usize);
            out.push(SentenceSpan {
                start: s,
                end: s + trimmed.len(),
            });
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(dir: &std::path::Path, names: &[&str]) -> Vec<Source> {
        names
            .iter()
            .map(|n| Source::Text {
                path: dir.join(n),
                id: n.to_string(),
            })
            .collect()
    }

    fn run(threads: usize, srcs: &[Source]) -> Result<(KnowledgeGraph, ExtractReport)> {
        run_with(threads, srcs, &ExtractOptions::default())
    }

    fn run_with(
        threads: usize,
        srcs: &[Source],
        options: &ExtractOptions,
    ) -> Result<(KnowledgeGraph, ExtractReport)> {
        let p = Pipeline::load(&GazetteerConfig::default())?;
        let mut warnings = Vec::new();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| p.extract(srcs, options, |w| warnings.push(w.to_string()), |_| {}))
            .map(|(g, mut r)| {
                assert_eq!(r.warnings, warnings);
                r.warnings = warnings;
                (g, r)
            })
    }

    #[test]
    fn parallel_and_serial_runs_agree_and_stop_on_errors() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut names = Vec::new();
        for i in 0..40 {
            let name = format!("d{i:02}.txt");
            let text = if i % 7 == 3 {
                b"\xff\xfe China sells J-10C jets to Pakistan.".to_vec()
            } else {
                format!("Doc {i}. China and Pakistan signed a deal. India supplies arms to Armenia in {}.", 2000 + i).into_bytes()
            };
            std::fs::write(dir.path().join(&name), text).unwrap();
            names.push(name);
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let srcs = sources(dir.path(), &names);
        let (g1, r1) = run(1, &srcs).unwrap();
        let (g4, r4) = run(4, &srcs).unwrap();
        assert_eq!(r1.warnings, r4.warnings);
        assert!(r1.warnings.len() >= 5);
        assert_eq!((r1.documents, r1.sentences), (r4.documents, r4.sentences));
        let json = |g| crate::export::render(g, crate::export::Format::Json, &Default::default());
        assert_eq!(json(&g1), json(&g4));
        // A source that cannot be read fails the run, serial or parallel, without hanging.
        let mut broken = names.clone();
        broken.insert(20, "missing.txt");
        let srcs = sources(dir.path(), &broken);
        for threads in [1, 2, 4] {
            let err = run(threads, &srcs).unwrap_err().to_string();
            assert!(err.contains("missing.txt"), "{err}");
        }
    }

    /// A document read in parts is one document: evidence in file offsets, sentence numbers
    /// running on, the same graph for any thread count.
    #[test]
    fn a_document_read_in_parts_stays_one_document() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!(
                "Paragraph {i}. China supplies J-10C jets to Pakistan. India and Armenia signed a defence deal in {}.\n\n",
                1990 + i % 30
            ));
        }
        std::fs::write(dir.path().join("big.txt"), &text).unwrap();
        let srcs = sources(dir.path(), &["big.txt"]);
        let options = ExtractOptions {
            part_bytes: Some(2048),
            // Every entry kept: the test reads the sentence numbers of the last parts.
            max_evidence: Some(10_000),
            ..Default::default()
        };
        let (g1, r1) = run_with(1, &srcs, &options).unwrap();
        let (g3, r3) = run_with(3, &srcs, &options).unwrap();
        let json = |g| crate::export::render(g, crate::export::Format::Json, &Default::default());
        assert_eq!(json(&g1), json(&g3));
        assert_eq!((r1.documents, r1.sentences), (1, 900));
        assert_eq!(r1.sentences, r3.sentences);
        let mut last_sentence = 0;
        for e in g1.sorted_edges() {
            for ev in &e.evidence {
                assert_eq!(&*ev.doc, "big.txt");
                let sentence = &text[ev.start..ev.end];
                assert!(sentence.ends_with('.'), "{sentence:?}");
                if let Some(t) = ev.text() {
                    assert_eq!(t, sentence);
                }
                last_sentence = last_sentence.max(ev.sentence);
            }
        }
        assert!(last_sentence > 800, "{last_sentence}");
        let china = g1.node("country:china").unwrap();
        assert_eq!(china.documents, 1);
    }
}
