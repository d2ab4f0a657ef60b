//! Typed relations between the entities of a sentence (rules in `gazetteer/relations.toml`).
//! This stage is filled in by the typed-relations work; the pipeline already carries its
//! output (`RelationHit`) through to the graph and every exporter.

use crate::error::Result;
use crate::gazetteer::{EntityIdx, Gazetteer};
use crate::graph::Status;
use crate::pipeline::SentenceRecord;

/// One typed relation found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationHit {
    pub source: EntityIdx,
    pub target: EntityIdx,
    /// Index into [`RelationRules::relation`].
    pub relation: usize,
    /// Name of the rule that fired.
    pub rule: String,
    pub status: Option<Status>,
    pub weapons: Vec<EntityIdx>,
    pub years: Vec<u16>,
    pub inferred: bool,
    pub resolved: Option<String>,
}

/// A relation type.
#[derive(Debug, Clone)]
pub struct RelationDef {
    pub name: String,
    pub label: String,
    pub symmetric: bool,
}

/// The loaded relation rules.
#[derive(Debug, Clone, Default)]
pub struct RelationRules {
    defs: Vec<RelationDef>,
}

impl RelationRules {
    pub fn embedded(_g: &Gazetteer) -> Result<Self> {
        Ok(Self::default())
    }

    pub fn parse(_file: &str, _text: &str, _g: &Gazetteer) -> Result<Self> {
        Ok(Self::default())
    }

    pub fn relation(&self, i: usize) -> &RelationDef {
        &self.defs[i]
    }

    pub fn relate_document(&self, _g: &Gazetteer, _text: &str, _sentences: &mut [SentenceRecord]) {}
}
