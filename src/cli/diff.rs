//! `silkgraph diff`: compare two graphs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use silkgraph::export::{self, ExportOptions, Format};

use super::input::open_graph;
use super::io::Output;
use super::{load_pipeline, GazetteerArgs};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Graphml,
    Gexf,
    /// GEXF with the old graph at t=1 and the new one at t=2, for Gephi's timeline
    GexfDynamic,
    /// The union graph as an interactive page, coloured added/removed/changed/same
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old graph: a .json, .graphml or .gexf written by `extract`, or a corpus path
    old: PathBuf,
    /// The new graph: a .json, .graphml or .gexf written by `extract`, or a corpus path
    new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Write the report or union graph here (a file, a device, or - for stdout)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Leave co-occurrence edges out entirely: counts, details, exit status, every format
    #[arg(long)]
    typed_only: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Compare only what the old graph dates in this window (YYYY, YYYY-MM, YYYY-Qn, a
    /// date, or A..B of those): with --new-window, two windows of one dated graph
    #[arg(long, value_name = "WINDOW", value_parser = window_parser)]
    old_window: Option<silkgraph::dates::Window>,
    /// Compare only what the new graph dates in this window
    #[arg(long, value_name = "WINDOW", value_parser = window_parser)]
    new_window: Option<silkgraph::dates::Window>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: DiffArgs) -> Result<ExitCode> {
    use silkgraph::diff;
    let mut out = Output::create(a.output.as_deref(), &[a.old.as_path(), Path::new(&a.new)])?;
    let p = load_pipeline(&a.gazetteer)?;
    let mut old = open_graph(&p, &a.old)?;
    let mut new = open_graph(&p, &a.new)?;
    for (g, w, path) in [
        (&mut old, a.old_window, &a.old),
        (&mut new, a.new_window, &a.new),
    ] {
        if let Some(w) = w {
            anyhow::ensure!(
                silkgraph::dates::graph_is_dated(g),
                "{} has no dates: a window needs a graph extracted from a dated corpus",
                path.display()
            );
            *g = silkgraph::timeline::restrict(g, w);
        }
    }
    if a.typed_only {
        for g in [&mut old, &mut new] {
            g.retain_edges(|e| &*e.relation != silkgraph::graph::CO_OCCURS_WITH);
        }
    }
    let name = |p: &Path, w: Option<silkgraph::dates::Window>| match w {
        Some(w) => format!("{} [{w}]", p.display()),
        None => p.display().to_string(),
    };
    let d = diff::diff(
        &old,
        &new,
        &name(&a.old, a.old_window),
        &name(&a.new, a.new_window),
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
            out.is_stdout()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let rendered = match a.format {
        DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
        DiffFormat::Text => diff_text(&d, &old, &new, a.typed_only, color),
        DiffFormat::Graphml | DiffFormat::Gexf | DiffFormat::GexfDynamic | DiffFormat::Html => {
            let (u, deco) = diff::union_graph(&old, &new, &d, a.format == DiffFormat::GexfDynamic);
            let f = match a.format {
                DiffFormat::Graphml => Format::Graphml,
                DiffFormat::Html => Format::Html,
                _ => Format::Gexf,
            };
            export::render_decorated(&u, f, &ExportOptions::default(), &deco)
        }
    };
    out.write_all(rendered.as_bytes())?;
    out.finish()?;
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

/// `--old-window`/`--new-window`/`--window`: see [`silkgraph::dates::parse_window`].
pub fn window_parser(s: &str) -> Result<silkgraph::dates::Window, String> {
    silkgraph::dates::parse_window(s).ok_or_else(|| {
        format!("not a window: {s:?} (give 2024, 2024-02, 2024-Q1, 2024-02-23, or A..B of those, e.g. 2023..2024-Q2)")
    })
}
