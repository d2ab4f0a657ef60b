//! `silkgraph explain`: why edges exist, sentence by sentence.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use silkgraph::corpus;

use super::io::Output;
use super::{load_pipeline, GazetteerArgs};

#[derive(Args)]
pub struct ExplainArgs {
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

pub fn run(a: ExplainArgs) -> Result<ExitCode> {
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
    let mut out = Output::stdout();
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
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
