//! `silkgraph gazetteer check|stats|lookup|list`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use super::io::Output;
use super::{load_pipeline, GazetteerArgs};

#[derive(Subcommand)]
pub enum GazetteerCommand {
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
pub enum ListFormat {
    Jsonl,
    Tsv,
}

pub fn run(c: GazetteerCommand) -> Result<ExitCode> {
    use silkgraph::gazetteer;
    match c {
        GazetteerCommand::Check { dir, with_default } => {
            let r = match gazetteer::check(dir.as_deref(), with_default) {
                Ok(r) => r,
                Err(e) => {
                    // With its causes: an unreadable path names the I/O error.
                    warn_line!("{:#}", anyhow::Error::from(e));
                    warn_line!("silkgraph: gazetteer check failed");
                    return Ok(ExitCode::from(2));
                }
            };
            let mut out = Output::stdout();
            for w in &r.warnings {
                writeln!(out, "warning: {w} [{}]", w.key)?;
            }
            for s in &r.stale {
                writeln!(
                    out,
                    "warning: {s}: accepted, but the warning no longer occurs"
                )?;
            }
            let relations = r
                .relations
                .as_ref()
                .map(|(f, n)| format!("; {f}: {n} relations"))
                .unwrap_or_default();
            writeln!(
                out,
                "ok: {} entities, {} aliases{relations}, {} warnings ({} accepted in {})",
                r.entities,
                r.aliases,
                r.warnings.len() + r.stale.len(),
                r.accepted,
                gazetteer::ACCEPTED_WARNINGS
            )?;
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::Stats { gazetteer } => {
            let p = load_pipeline(&gazetteer)?;
            let g = &p.gazetteer;
            let mut out = Output::stdout();
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
            out.finish()?;
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
            let mut out = Output::stdout();
            for a in hits {
                let e = g.entity(a.entity);
                writeln!(
                    out,
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
                )?;
            }
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::List { format, gazetteer } => {
            let p = load_pipeline(&gazetteer)?;
            let g = &p.gazetteer;
            let mut out = Output::stdout();
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
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
