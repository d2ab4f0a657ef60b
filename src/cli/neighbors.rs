//! `silkgraph neighbors`: an actor's neighbors and the sentences that say so.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::input::open_graph;
use super::io::Output;
use super::{load_pipeline, GazetteerArgs, ReportFormat};

#[derive(Args)]
pub struct NeighborsArgs {
    /// A graph written by `extract` (.json, .graphml, .gexf), or a corpus path (extracted on
    /// the fly)
    graph: PathBuf,
    /// The entity: any alias, id or label, case-insensitive ("Islamabad", "pakistan", "PAK")
    entity: String,
    /// Only these relations (repeatable)
    #[arg(long = "relation", value_name = "R")]
    relations: Vec<String>,
    #[arg(long, value_enum, default_value_t = silkgraph::query::Direction::Both)]
    direction: silkgraph::query::Direction,
    /// Follow neighbors of neighbors up to this many hops, 1 to 64
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
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

pub fn run(a: NeighborsArgs) -> Result<ExitCode> {
    use silkgraph::query::{self, NeighborQuery};
    let p = load_pipeline(&a.gazetteer)?;
    let g = open_graph(&p, &a.graph)?;
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
    let mut out = Output::stdout();
    if a.format == ReportFormat::Json {
        let v = serde_json::json!({"entity": {"id": node.id, "label": node.label, "type": node.etype}, "neighbors": rows});
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        out.finish()?;
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
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
