//! The `silkgraph` command line: a thin clap layer over the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use silkgraph::corpus;
use silkgraph::export::{self, ExportOptions, Format};
use silkgraph::pipeline::{ExtractOptions, GazetteerConfig, Pipeline, RelationMode};

#[derive(Parser)]
#[command(name = "silkgraph", version, about = "Turn geopolitical news text into a typed knowledge graph", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct GazetteerArgs {
    /// Add the gazetteer files (*.toml) under DIR on top of the embedded default (repeatable)
    #[arg(long = "gazetteer", value_name = "DIR")]
    gazetteer: Vec<PathBuf>,
    /// Use only the --gazetteer directories, not the embedded default
    #[arg(long)]
    no_default_gazetteer: bool,
}

impl GazetteerArgs {
    fn config(&self) -> GazetteerConfig {
        GazetteerConfig {
            dirs: self.gazetteer.clone(),
            no_default: self.no_default_gazetteer,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Extract the knowledge graph of a corpus and write it as GraphML, GEXF, DOT or JSON
    Extract(ExtractArgs),
    /// Print one JSON line per sentence with its mentions (the matcher's debugging view)
    Tag(TagArgs),
    /// Show why edges exist: mentions, cues and the relations each rule produced
    Explain(ExplainArgs),
    /// List an actor's neighbors, how they are related, and the sentences that say so
    Neighbors(NeighborsArgs),
    /// Compare two graphs (snapshots or corpora): exit 0 when equal, 1 when different
    Diff(DiffArgs),
    /// Summarise a graph: counts, top actors, strongest typed edges
    Stats(StatsArgs),
    /// List capitalised phrases and designations the gazetteer did not tag, by frequency
    Unmatched(UnmatchedArgs),
    /// Inspect and validate gazetteers
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
}

#[derive(Args)]
struct NeighborsArgs {
    /// A JSON snapshot written by `extract -o x.json`, or a corpus path (extracted on the fly)
    graph: PathBuf,
    /// The entity: any alias, id or label, case-insensitive ("Islamabad", "pakistan", "PAK")
    entity: String,
    /// Only these relations (repeatable)
    #[arg(long = "relation", value_name = "R")]
    relations: Vec<String>,
    #[arg(long, value_enum, default_value_t = silkgraph::query::Direction::Both)]
    direction: silkgraph::query::Direction,
    /// Follow neighbors of neighbors up to this many hops
    #[arg(long, default_value_t = 1, value_name = "N")]
    depth: usize,
    /// Only edges supported by at least this many distinct sentences
    #[arg(long, default_value_t = 1, value_name = "W")]
    min_weight: u64,
    /// Only neighbors of these types (repeatable)
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// Print the supporting sentences under each row
    #[arg(long)]
    evidence: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Graphml,
    Gexf,
    /// GEXF with the old graph at t=1 and the new one at t=2, for Gephi's timeline
    GexfDynamic,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct DiffArgs {
    /// The old graph: a JSON snapshot or a corpus path
    old: PathBuf,
    /// The new graph: a JSON snapshot or a corpus path
    new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Write the report or union graph here instead of stdout
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Leave co-occurrence edges out of the report details (they still count)
    #[arg(long)]
    typed_only: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Args)]
struct StatsArgs {
    /// A JSON snapshot or a corpus path
    graph: PathBuf,
    /// How many top actors and strongest edges to list
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Args)]
struct UnmatchedArgs {
    /// Files, directories or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only phrases seen in at least this many distinct sentences
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_count: u64,
    /// At most this many rows (0: all)
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
    /// Only `name` or `designation` rows
    #[arg(long, value_name = "KIND", value_parser = ["name", "designation"])]
    kind: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Args)]
struct ExplainArgs {
    /// The text to explain (one or more sentences)
    #[arg(required_unless_present = "file", value_name = "TEXT")]
    text: Option<String>,
    /// Read the text from a file instead
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    file: Option<PathBuf>,
    /// Print JSON instead of the readable view
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Subcommand)]
enum GazetteerCommand {
    /// Validate gazetteer files: DIR alone when given (plus the default unless it is the
    /// default's own directory), else the embedded default
    Check {
        /// A directory of gazetteer *.toml files
        dir: Option<PathBuf>,
        /// Check DIR together with the embedded default (for a user's add-on files)
        #[arg(long)]
        with_default: bool,
    },
    /// Count entries and aliases by type and kind
    Stats {
        #[command(flatten)]
        gazetteer: GazetteerArgs,
    },
    /// Show which entries an alias reaches
    Lookup {
        name: String,
        #[command(flatten)]
        gazetteer: GazetteerArgs,
    },
    /// Print every alias with its entity, type, kind and case rule
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Jsonl)]
        format: ListFormat,
        #[command(flatten)]
        gazetteer: GazetteerArgs,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Jsonl,
    Tsv,
}

#[derive(Args)]
struct ExtractArgs {
    /// Files, directories (recursive: .txt .md .text .jsonl) or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output file (format from its extension unless --format); stdout when absent
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format (default: from the -o extension, else graphml)
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Which edges to write
    #[arg(long, value_enum, default_value_t = RelationMode::All)]
    relations: RelationMode,
    /// Drop co-occurrence edges supported by fewer distinct sentences than this
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_weight: u64,
    /// Read text files longer than twice this many bytes in parts of about this size, cut
    /// at blank lines, analysed in parallel (a reference does not reach across a cut)
    #[arg(long, default_value_t = silkgraph::corpus::PART_BYTES as u64, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1024..))]
    part_bytes: u64,
    /// GraphML: write every edge directed (symmetric ones marked symmetric=true), for networkx
    #[arg(long)]
    graphml_directed_only: bool,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar, no summary
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Args)]
struct TagArgs {
    /// Files, directories or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("silkgraph: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => extract(a),
        Command::Tag(a) => tag(a),
        Command::Gazetteer(c) => gazetteer_cmd(c),
        Command::Explain(a) => explain(a),
        Command::Neighbors(a) => neighbors_cmd(a),
        Command::Diff(a) => diff_cmd(a),
        Command::Stats(a) => stats_cmd(a),
        Command::Unmatched(a) => unmatched_cmd(a),
    }
}

fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("cannot start the worker threads")?;
    }
    Ok(())
}

fn load_pipeline(g: &GazetteerArgs) -> Result<Pipeline> {
    Pipeline::load(&g.config()).context("cannot load the gazetteer")
}

fn extract(a: ExtractArgs) -> Result<ExitCode> {
    set_threads(a.threads)?;
    let format = a
        .format
        .or_else(|| a.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Graphml);
    let started = std::time::Instant::now();
    let pipeline = load_pipeline(&a.gazetteer)?;
    let sources = corpus::collect_sources(&a.paths).context("cannot read the corpus")?;
    let total: u64 = sources
        .iter()
        .filter_map(|s| match s {
            corpus::Source::Text { path, .. } | corpus::Source::Jsonl { path, .. } => {
                std::fs::metadata(path).ok().map(|m| m.len())
            }
            corpus::Source::Stdin => None,
        })
        .sum();
    let bar = progress_bar(a.quiet, total);
    let options = ExtractOptions {
        relations: a.relations,
        min_weight: a.min_weight,
        part_bytes: Some(a.part_bytes as usize),
    };
    let (graph, report) = pipeline
        .extract(
            &sources,
            &options,
            |w| {
                let line = format!("silkgraph: warning: {w}");
                match &bar {
                    Some(b) => b.println(line),
                    None => eprintln!("{line}"),
                }
            },
            |bytes| {
                if let Some(b) = &bar {
                    b.set_position(bytes);
                }
            },
        )
        .context("extraction failed")?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let opts = ExportOptions {
        graphml_directed_only: a.graphml_directed_only,
    };
    match &a.output {
        Some(path) => {
            export::write_atomic_with(path, |w| export::write_to(&graph, format, &opts, w))
                .with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            export::write_to(&graph, format, &opts, &mut out)?;
            out.flush()?;
        }
    }
    if !a.quiet {
        let secs = started.elapsed().as_secs_f64();
        let skipped = if report.skipped_by_rule.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                report
                    .skipped_by_rule
                    .iter()
                    .map(|(r, n)| format!("{r} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        eprintln!(
            "silkgraph: {} documents, {} sentences ({} duplicates counted once), {} mentions; skipped {} boilerplate lines{}; graph {} nodes, {} edges{}; {:.2} s",
            report.documents,
            report.sentences,
            report.duplicate_sentences,
            report.mentions,
            report.skipped_lines,
            skipped,
            graph.node_count(),
            graph.edge_count(),
            a.output
                .as_deref()
                .map(|p| format!(" -> {}", p.display()))
                .unwrap_or_default(),
            secs
        );
    }
    // The process ends here: freeing the graph and the pipeline piece by piece would only
    // delay the exit (the system takes the memory back at once).
    std::mem::forget(graph);
    std::mem::forget(pipeline);
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(quiet: bool, total: u64) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total.max(1));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .ok()?,
    );
    // Only show up for runs longer than a second.
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    });
    Some(bar)
}

fn tag(a: TagArgs) -> Result<ExitCode> {
    let pipeline = load_pipeline(&a.gazetteer)?;
    let sources = corpus::collect_sources(&a.paths).context("cannot read the corpus")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let g = &pipeline.gazetteer;
    // Sentences of the earlier parts of a document read in parts.
    let mut sentence_base = 0;
    let mut part_sentences = 0;
    let mut write_error: Option<std::io::Error> = None;
    for src in &sources {
        let read = corpus::for_each_item(src, &mut |item| {
            let doc = match item {
                corpus::Item::Warning(w) => {
                    eprintln!("silkgraph: warning: {w}");
                    return Ok(());
                }
                corpus::Item::Doc(d) => d,
            };
            let a = pipeline.analyse(doc, false);
            sentence_base = if a.continues {
                sentence_base + part_sentences
            } else {
                0
            };
            part_sentences = a.sentences.len();
            let at = a.offset;
            for s in &a.sentences {
                let mentions: Vec<serde_json::Value> = s
                    .mentions
                    .iter()
                    .map(|m| {
                        let e = g.entity(m.entity);
                        serde_json::json!({
                            "entity": e.id,
                            "name": e.name,
                            "type": e.etype,
                            "start": at + m.start,
                            "end": at + m.end,
                            "surface": &a.text[m.start..m.end],
                            "kind": m.kind,
                        })
                    })
                    .collect();
                let line = serde_json::json!({
                    "doc": a.id,
                    "sentence": sentence_base + s.index,
                    "start": at + s.span.start,
                    "end": at + s.span.end,
                    "text": &a.text[s.span.start..s.span.end],
                    "mentions": mentions,
                });
                if let Err(e) = writeln!(out, "{line}") {
                    write_error = Some(e);
                    return Err(silkgraph::Error::Invalid("output closed".into()));
                }
            }
            Ok(())
        });
        if let Some(e) = write_error.take() {
            return Err(e).context("cannot write to standard output");
        }
        read.context("cannot read the corpus")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn graph_of(p: &Pipeline, path: &std::path::Path) -> Result<silkgraph::graph::KnowledgeGraph> {
    p.graph_from(path, |w| eprintln!("silkgraph: warning: {w}"))
        .with_context(|| format!("cannot load the graph {}", path.display()))
}

fn neighbors_cmd(a: NeighborsArgs) -> Result<ExitCode> {
    use silkgraph::query::{self, NeighborQuery};
    let p = load_pipeline(&a.gazetteer)?;
    let g = graph_of(&p, &a.graph)?;
    let types = a
        .types
        .iter()
        .map(|t| {
            silkgraph::gazetteer::EntityType::parse(t).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown type {t:?} (country, organization, corridor, weapon, place)"
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let known: std::collections::BTreeSet<&str> = g.relations();
    for r in &a.relations {
        if !known.contains(r.as_str())
            && p.rules.relations().iter().all(|d| &d.name != r)
            && r != silkgraph::graph::CO_OCCURS_WITH
        {
            anyhow::bail!(
                "unknown relation {r:?}; the graph has: {}",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let id = query::resolve_entity(&g, Some(&p.gazetteer), &a.entity)?;
    let rows = query::neighbors(
        &g,
        &id,
        &NeighborQuery {
            relations: a.relations.clone(),
            direction: a.direction,
            depth: a.depth,
            min_weight: a.min_weight,
            types,
        },
    );
    let node = g.node(&id).expect("resolved");
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.format == ReportFormat::Json {
        let v = serde_json::json!({"entity": {"id": node.id, "label": node.label, "type": node.etype}, "neighbors": rows});
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} ({}, {}): {} neighbor rows",
        node.label,
        node.etype,
        node.id,
        rows.len()
    )?;
    writeln!(
        out,
        "{:<17} {:<3} {:<34} {:<13} {:>6}  details",
        "relation", "dir", "neighbor", "type", "weight"
    )?;
    for r in &rows {
        let mut details = Vec::new();
        if let Some(s) = r.status {
            details.push(format!("status={}", s.as_str()));
        }
        if !r.weapons.is_empty() {
            details.push(format!("weapons={}", r.weapons.join(", ")));
        }
        if !r.years.is_empty() {
            details.push(format!(
                "years={}",
                r.years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if r.inferred {
            details.push("inferred".into());
        }
        if r.depth > 1 {
            let via: Vec<String> = r.path[..r.path.len() - 1]
                .iter()
                .map(|s| g.node(&s.to).map(|n| n.label.clone()).unwrap_or_default())
                .collect();
            details.push(format!("via {}", via.join(" > ")));
        }
        writeln!(
            out,
            "{:<17} {:<3} {:<34} {:<13} {:>6}  {}",
            r.relation,
            r.arrow,
            r.label,
            r.etype.as_str(),
            r.weight,
            details.join("; ")
        )?;
        if a.evidence {
            for ev in &r.evidence {
                match ev.text() {
                    Some(t) => writeln!(out, "      {}#{}: {}", ev.doc, ev.sentence, t)?,
                    None => writeln!(
                        out,
                        "      {}#{} (bytes {}..{})",
                        ev.doc, ev.sentence, ev.start, ev.end
                    )?,
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn diff_cmd(a: DiffArgs) -> Result<ExitCode> {
    use silkgraph::diff;
    let p = load_pipeline(&a.gazetteer)?;
    let old = graph_of(&p, &a.old)?;
    let new = graph_of(&p, &a.new)?;
    let d = diff::diff(
        &old,
        &new,
        &a.old.display().to_string(),
        &a.new.display().to_string(),
    );
    let code = if d.is_equal() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            a.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let rendered = match a.format {
        DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
        DiffFormat::Text => diff_text(&d, &old, &new, a.typed_only, color),
        DiffFormat::Graphml | DiffFormat::Gexf | DiffFormat::GexfDynamic => {
            let (u, deco) = diff::union_graph(&old, &new, &d, a.format == DiffFormat::GexfDynamic);
            let f = if a.format == DiffFormat::Graphml {
                Format::Graphml
            } else {
                Format::Gexf
            };
            export::render_decorated(&u, f, &ExportOptions::default(), &deco)
        }
    };
    match &a.output {
        Some(path) => export::write_atomic(path, rendered.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(rendered.as_bytes())?,
    }
    Ok(code)
}

fn diff_text(
    d: &silkgraph::diff::GraphDiff,
    old: &silkgraph::graph::KnowledgeGraph,
    new: &silkgraph::graph::KnowledgeGraph,
    typed_only: bool,
    color: bool,
) -> String {
    use std::fmt::Write as _;
    let paint = |code: &str, s: String| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s
        }
    };
    let label = |id: &str| {
        new.node(id)
            .or_else(|| old.node(id))
            .map(|n| n.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let arrow = |sym: bool| if sym { "--" } else { "->" };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        paint("1", format!("silkgraph diff {} -> {}", d.old, d.new))
    );
    let _ = writeln!(
        o,
        "nodes: +{} -{} ~{} ={}    edges: +{} -{} ~{} ={}",
        d.nodes.added,
        d.nodes.removed,
        d.nodes.changed,
        d.nodes.same,
        d.edges.added,
        d.edges.removed,
        d.edges.changed,
        d.edges.same
    );
    for (rel, c) in &d.edges_by_relation {
        let _ = writeln!(
            o,
            "  {rel:<18} +{} -{} ~{} ={}",
            c.added, c.removed, c.changed, c.same
        );
    }
    if d.is_equal() {
        let _ = writeln!(o, "graphs are equal");
        return o;
    }
    if !d.nodes_added.is_empty() || !d.nodes_removed.is_empty() || !d.nodes_changed.is_empty() {
        let _ = writeln!(o, "\n{}", paint("1", "nodes".into()));
    }
    for n in &d.nodes_added {
        let _ = writeln!(
            o,
            "{}",
            paint("32", format!("+ {} ({}, {})", n.label, n.etype, n.id))
        );
    }
    for n in &d.nodes_removed {
        let _ = writeln!(
            o,
            "{}",
            paint("31", format!("- {} ({}, {})", n.label, n.etype, n.id))
        );
    }
    for n in &d.nodes_changed {
        let ch: Vec<String> = n
            .changes
            .iter()
            .map(|c| format!("{} {} -> {}", c.field, c.old, c.new))
            .collect();
        let _ = writeln!(
            o,
            "{}",
            paint("33", format!("~ {} ({}): {}", n.label, n.id, ch.join(", ")))
        );
    }
    let mut relations: Vec<&String> = d.edges_by_relation.keys().collect();
    // Typed relations first, co-occurrence last.
    relations.sort_by_key(|r| (r.as_str() == silkgraph::graph::CO_OCCURS_WITH, r.as_str()));
    for rel in relations {
        if typed_only && rel == silkgraph::graph::CO_OCCURS_WITH {
            continue;
        }
        let added: Vec<_> = d
            .edges_added
            .iter()
            .filter(|e| &e.relation == rel)
            .collect();
        let removed: Vec<_> = d
            .edges_removed
            .iter()
            .filter(|e| &e.relation == rel)
            .collect();
        let changed: Vec<_> = d
            .edges_changed
            .iter()
            .filter(|e| &e.relation == rel)
            .collect();
        if added.is_empty() && removed.is_empty() && changed.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", paint("1", rel.to_string()));
        for e in added {
            let mut extra = format!("weight {}", e.weight);
            if let Some(s) = e.status {
                let _ = write!(extra, ", status {}", s.as_str());
            }
            if !e.weapons.is_empty() {
                let _ = write!(extra, ", weapons {}", e.weapons.join(", "));
            }
            let _ = writeln!(
                o,
                "{}",
                paint(
                    "32",
                    format!(
                        "+ {} {} {}  ({extra})",
                        label(&e.source),
                        arrow(e.symmetric),
                        label(&e.target)
                    )
                )
            );
        }
        for e in removed {
            let _ = writeln!(
                o,
                "{}",
                paint(
                    "31",
                    format!(
                        "- {} {} {}  (weight {})",
                        label(&e.source),
                        arrow(e.symmetric),
                        label(&e.target),
                        e.weight
                    )
                )
            );
        }
        for e in changed {
            let mut parts = Vec::new();
            if e.weight_old != e.weight_new {
                parts.push(format!(
                    "weight {} -> {} ({:+})",
                    e.weight_old,
                    e.weight_new,
                    e.weight_new as i64 - e.weight_old as i64
                ));
            }
            if e.status_old != e.status_new {
                let s =
                    |x: Option<silkgraph::graph::Status>| x.map(|s| s.as_str()).unwrap_or("none");
                parts.push(format!("status {} -> {}", s(e.status_old), s(e.status_new)));
            }
            if !e.weapons_added.is_empty() {
                parts.push(format!("weapons +{}", e.weapons_added.join(", +")));
            }
            if !e.weapons_removed.is_empty() {
                parts.push(format!("weapons -{}", e.weapons_removed.join(", -")));
            }
            if !e.years_added.is_empty() || !e.years_removed.is_empty() {
                let ys = |v: &[u16], sign: char| {
                    v.iter().map(|y| format!("{sign}{y}")).collect::<Vec<_>>()
                };
                let mut v = ys(&e.years_added, '+');
                v.extend(ys(&e.years_removed, '-'));
                parts.push(format!("years {}", v.join(" ")));
            }
            let _ = writeln!(
                o,
                "{}",
                paint(
                    "33",
                    format!(
                        "~ {} {} {}  {}",
                        label(&e.source),
                        arrow(e.symmetric),
                        label(&e.target),
                        parts.join("; ")
                    )
                )
            );
        }
    }
    if !d.neighbors.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            paint("1", "neighbors gained and lost (typed relations)".into())
        );
        for n in &d.neighbors {
            let fmt = |v: &[(String, String)], sign: &str| {
                v.iter()
                    .map(|(r, l)| format!("{sign}{l} ({r})"))
                    .collect::<Vec<_>>()
            };
            let mut items = fmt(&n.gained, "+");
            items.extend(fmt(&n.lost, "-"));
            let _ = writeln!(o, "  {}: {}", n.label, items.join(", "));
        }
    }
    o
}

fn unmatched_cmd(a: UnmatchedArgs) -> Result<ExitCode> {
    let p = load_pipeline(&a.gazetteer)?;
    let sources = corpus::collect_sources(&a.paths).context("cannot read the corpus")?;
    let mut rows = silkgraph::unmatched::find_unmatched(&p, &sources, |w| {
        eprintln!("silkgraph: warning: {w}")
    })
    .context("cannot read the corpus")?;
    rows.retain(|r| r.count >= a.min_count && a.kind.as_deref().is_none_or(|k| k == r.kind));
    if a.limit > 0 {
        rows.truncate(a.limit);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.format == ReportFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else {
        writeln!(
            out,
            "{:>6}  {:<12} {:<40} example",
            "count", "kind", "phrase"
        )?;
        for r in &rows {
            let mut ex: String = r.example.chars().take(110).collect();
            if ex.len() < r.example.len() {
                ex.push('…');
            }
            writeln!(
                out,
                "{:>6}  {:<12} {:<40} {}#{}: {}",
                r.count, r.kind, r.phrase, r.example_doc, r.example_sentence, ex
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn stats_cmd(a: StatsArgs) -> Result<ExitCode> {
    let p = load_pipeline(&a.gazetteer)?;
    let g = graph_of(&p, &a.graph)?;
    let s = silkgraph::query::stats(&g, a.top);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.format == ReportFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} documents, {} sentences; {} nodes, {} edges",
        s.documents, s.sentences, s.nodes, s.edges
    )?;
    writeln!(out, "\nnodes by type")?;
    for (t, n) in &s.nodes_by_type {
        writeln!(out, "  {t:<16}{n:>7}")?;
    }
    writeln!(out, "\nedges by relation")?;
    for (r, n) in &s.edges_by_relation {
        writeln!(out, "  {r:<18}{n:>7}")?;
    }
    writeln!(out, "\ntop actors by weighted degree")?;
    writeln!(
        out,
        "  {:<34} {:<13} {:>8} {:>7} {:>9}",
        "actor", "type", "w.degree", "typed", "mentions"
    )?;
    for t in &s.top_actors {
        writeln!(
            out,
            "  {:<34} {:<13} {:>8} {:>7} {:>9}",
            t.label,
            t.etype.as_str(),
            t.weighted_degree,
            t.typed_edges,
            t.mentions
        )?;
    }
    writeln!(out, "\nstrongest typed edges")?;
    for e in &s.strongest_typed_edges {
        let arrow = if e.symmetric { "--" } else { "->" };
        let mut extra = String::new();
        if let Some(st) = e.status {
            extra.push_str(&format!(" status={}", st.as_str()));
        }
        if !e.weapons.is_empty() {
            extra.push_str(&format!(" weapons={}", e.weapons.join(",")));
        }
        writeln!(
            out,
            "  {:>3}  {} {} {} [{}]{}",
            e.weight, e.source, arrow, e.target, e.relation, extra
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(a: ExplainArgs) -> Result<ExitCode> {
    let pipeline = load_pipeline(&a.gazetteer)?;
    let text = match (&a.text, &a.file) {
        (_, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?
        }
        (Some(t), None) => t.clone(),
        (None, None) => unreachable!("clap requires one"),
    };
    let g = &pipeline.gazetteer;
    let doc = pipeline.analyse(corpus::Document::new("explain", text.clone()), false);
    let mut ctx = silkgraph::relations::DocContext::default();
    let mut out = std::io::stdout().lock();
    let mut json_sentences = Vec::new();
    for s in &doc.sentences {
        let an = pipeline.rules.analyse_sentence(
            g,
            &text[s.span.start..s.span.end],
            s.span.start,
            &s.mentions,
            &mut ctx,
        );
        if a.json {
            json_sentences.push(serde_json::json!({
                "sentence": s.index,
                "text": &text[s.span.start..s.span.end],
                "mentions": s.mentions.iter().map(|m| serde_json::json!({
                    "entity": g.entity(m.entity).id, "surface": &text[m.start..m.end],
                    "start": m.start, "end": m.end, "kind": m.kind,
                    "pattern": (m.kind == silkgraph::gazetteer::AliasKind::Pattern)
                        .then(|| pipeline.patterns.rule_id(m.alias))})).collect::<Vec<_>>(),
                "cues": an.cues.iter().map(|c| serde_json::json!({
                    "text": c.text, "start": c.start, "end": c.end, "what": c.what})).collect::<Vec<_>>(),
                "relations": an.hits.iter().map(|h| serde_json::json!({
                    "source": g.entity(h.source).id, "relation": pipeline.rules.relation(h.relation).name,
                    "target": g.entity(h.target).id, "rule": h.rule, "status": h.status,
                    "weapons": h.weapons.iter().map(|w| g.entity(*w).name.clone()).collect::<Vec<_>>(),
                    "years": h.years, "inferred": h.inferred, "resolved": h.resolved})).collect::<Vec<_>>(),
            }));
            continue;
        }
        writeln!(
            out,
            "sentence {}: {}",
            s.index,
            &text[s.span.start..s.span.end]
        )?;
        writeln!(out, "  mentions:")?;
        for m in &s.mentions {
            let e = g.entity(m.entity);
            // A pattern mention names the rule that found it.
            let rule = match m.kind {
                silkgraph::gazetteer::AliasKind::Pattern => {
                    format!("  [pattern: {}]", pipeline.patterns.rule_id(m.alias))
                }
                _ => String::new(),
            };
            writeln!(
                out,
                "    {:<28} {:<12} {:<8} {}..{}  {}{}",
                format!("{:?}", &text[m.start..m.end]),
                e.etype,
                m.kind,
                m.start,
                m.end,
                e.id,
                rule
            )?;
        }
        writeln!(out, "  cues:")?;
        for c in &an.cues {
            writeln!(out, "    {:<28} {}", format!("{:?}", c.text), c.what)?;
        }
        writeln!(out, "  relations:")?;
        if an.hits.is_empty() {
            writeln!(out, "    (none)")?;
        }
        for h in &an.hits {
            let def = pipeline.rules.relation(h.relation);
            let arrow = if def.symmetric { "~" } else { "->" };
            let mut extra = Vec::new();
            if let Some(st) = h.status {
                extra.push(format!("status={}", st.as_str()));
            }
            if !h.weapons.is_empty() {
                extra.push(format!(
                    "weapons={}",
                    h.weapons
                        .iter()
                        .map(|w| g.entity(*w).name.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
            if !h.years.is_empty() {
                extra.push(format!(
                    "years={}",
                    h.years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
            if h.inferred {
                extra.push("inferred".into());
            }
            if let Some(r) = &h.resolved {
                extra.push(format!("resolved: {r}"));
            }
            writeln!(
                out,
                "    {} {} {} {}  [rule: {}] {}",
                g.entity(h.source).name,
                arrow,
                def.name,
                g.entity(h.target).name,
                h.rule,
                extra.join(" ")
            )?;
        }
        writeln!(out)?;
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json_sentences)?)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn gazetteer_cmd(c: GazetteerCommand) -> Result<ExitCode> {
    use silkgraph::gazetteer::{self, Gazetteer};
    match c {
        GazetteerCommand::Check { dir, with_default } => {
            let mut files = Vec::new();
            if dir.is_none() || with_default {
                files.extend(gazetteer::embedded_files());
            }
            if let Some(d) = &dir {
                files.extend(gazetteer::read_dir_files(d)?);
            }
            let g = match Gazetteer::from_sources(&files) {
                Ok(g) => g,
                Err(e) => {
                    eprintln!("{e}");
                    eprintln!("silkgraph: gazetteer check failed");
                    return Ok(ExitCode::from(2));
                }
            };
            let warnings = g.lint();
            for w in &warnings {
                println!("warning: {w}");
            }
            println!(
                "ok: {} entities, {} aliases, {} warnings",
                g.entities.len(),
                g.aliases.len(),
                warnings.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::Stats { gazetteer } => {
            let p = load_pipeline(&gazetteer)?;
            let g = &p.gazetteer;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{:<14}{:>9}{:>9}", "type", "entities", "aliases")?;
            for t in silkgraph::gazetteer::EntityType::ALL {
                let n = g.entities.iter().filter(|e| e.etype == t).count();
                let a = g
                    .aliases
                    .iter()
                    .filter(|a| g.entity(a.entity).etype == t)
                    .count();
                writeln!(out, "{:<14}{n:>9}{a:>9}", t.as_str())?;
            }
            writeln!(
                out,
                "{:<14}{:>9}{:>9}",
                "total",
                g.entities.len(),
                g.aliases.len()
            )?;
            writeln!(out)?;
            writeln!(out, "{:<14}{:>9}", "alias kind", "aliases")?;
            let mut kinds = std::collections::BTreeMap::new();
            for a in &g.aliases {
                *kinds.entry(a.kind.as_str()).or_insert(0usize) += 1;
            }
            for (k, n) in kinds {
                writeln!(out, "{k:<14}{n:>9}")?;
            }
            let cs = g.aliases.iter().filter(|a| a.case_sensitive).count();
            let amb = g.aliases.iter().filter(|a| a.ambiguous).count();
            writeln!(
                out,
                "\ncase-sensitive aliases: {cs}; ambiguous claims: {amb}; automaton patterns: {}",
                p.matcher.pattern_count()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::Lookup { name, gazetteer } => {
            let p = load_pipeline(&gazetteer)?;
            let g = &p.gazetteer;
            let hits = g.lookup(&name);
            if hits.is_empty() {
                let near = g.suggest(&name, 5);
                anyhow::bail!(
                    "no alias {name:?} in the gazetteer{}",
                    if near.is_empty() {
                        String::new()
                    } else {
                        format!("; closest: {}", near.join(", "))
                    }
                );
            }
            for a in hits {
                let e = g.entity(a.entity);
                println!(
                    "{}\t{}\t{}\tkind={}\tcase={}{}{}\t{}",
                    e.id,
                    e.name,
                    e.etype,
                    a.kind,
                    if a.case_sensitive {
                        "sensitive"
                    } else {
                        "insensitive"
                    },
                    if a.ambiguous { "\tambiguous" } else { "" },
                    a.place_reading
                        .map(|p| format!("\tplace-reading={}", g.entity(p).id))
                        .unwrap_or_default(),
                    a.loc
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::List { format, gazetteer } => {
            let p = load_pipeline(&gazetteer)?;
            let g = &p.gazetteer;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for a in &g.aliases {
                let e = g.entity(a.entity);
                match format {
                    ListFormat::Jsonl => writeln!(
                        out,
                        "{}",
                        serde_json::json!({
                            "alias": a.text, "entity": e.id, "name": e.name, "type": e.etype,
                            "kind": a.kind, "case_sensitive": a.case_sensitive,
                            "ambiguous": a.ambiguous, "generated": a.generated,
                        })
                    )?,
                    ListFormat::Tsv => writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        a.text,
                        e.id,
                        e.etype,
                        a.kind,
                        if a.case_sensitive { "cs" } else { "ci" }
                    )?,
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
