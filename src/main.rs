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
    /// Inspect and validate gazetteers
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
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
    let rendered = export::render(
        &graph,
        format,
        &ExportOptions {
            graphml_directed_only: a.graphml_directed_only,
        },
    );
    match &a.output {
        Some(path) => export::write_atomic(path, rendered.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(rendered.as_bytes())?,
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
    let mut items = Vec::new();
    for src in &sources {
        items.clear();
        corpus::read_source(src, &mut items).context("cannot read the corpus")?;
        for item in items.drain(..) {
            let doc = match item {
                corpus::Item::Warning(w) => {
                    eprintln!("silkgraph: warning: {w}");
                    continue;
                }
                corpus::Item::Doc(d) => d,
            };
            let a = pipeline.analyse(doc, false);
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
                            "start": m.start,
                            "end": m.end,
                            "surface": &a.text[m.start..m.end],
                            "kind": m.kind,
                        })
                    })
                    .collect();
                let line = serde_json::json!({
                    "doc": a.id,
                    "sentence": s.index,
                    "start": s.span.start,
                    "end": s.span.end,
                    "text": &a.text[s.span.start..s.span.end],
                    "mentions": mentions,
                });
                writeln!(out, "{line}")?;
            }
        }
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
    let doc = pipeline.analyse(
        corpus::Document {
            id: "explain".into(),
            text: text.clone(),
        },
        false,
    );
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
                    "start": m.start, "end": m.end, "kind": m.kind})).collect::<Vec<_>>(),
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
            writeln!(
                out,
                "    {:<28} {:<12} {:<8} {}..{}  {}",
                format!("{:?}", &text[m.start..m.end]),
                e.etype,
                m.kind,
                m.start,
                m.end,
                e.id
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
