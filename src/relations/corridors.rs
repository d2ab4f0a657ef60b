//! Corridors and their routes: "the corridor traverses Azerbaijan", "Gwadar, the focal point
//! of CPEC", and corridor names that list their route ("Uzbekistan–Afghanistan–Pakistan
//! railway"), stops ("Aktau, a key stop on the Middle Corridor"), and "the pipeline" or
//! "the route" for the corridor named before in the document.

use super::sentence::SentenceView;
use super::Marker;
use super::{Cue, DocContext, Hit, ROUTE};
use crate::gazetteer::{AliasKind, EntityIdx, EntityType, Gazetteer};
use crate::text::{fold, is_word_char};

/// The folded names of every entity on a corridor's route (see `RelationRules::route_names`).
/// Built once: looking them up in the whole gazetteer per corridor mention cost 3% of an
/// extract.
pub(super) fn route_names(g: &Gazetteer) -> rustc_hash::FxHashMap<EntityIdx, Vec<String>> {
    let mut names: rustc_hash::FxHashMap<EntityIdx, Vec<String>> = g
        .entities
        .iter()
        .flat_map(|e| e.via.iter().map(|&v| (v, Vec::new())))
        .collect();
    for a in &g.aliases {
        // A capital in a corridor's name names the city, not its country: the
        // "Baku-Tbilisi-Kars railway" says nothing about the route through Georgia.
        let own = (a.kind != AliasKind::Capital).then_some(a.entity);
        for e in own.into_iter().chain(a.place_reading) {
            if let Some(list) = names.get_mut(&e) {
                list.push(fold(&a.text));
            }
        }
    }
    names
}

impl SentenceView<'_> {
    /// CORRIDOR <cue> PLACES ("traverses Azerbaijan", "links X to Y").
    pub(super) fn corridor(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        // The corridor: nearest to the left in the clause (a "which" clause keeps it), or
        // "the pipeline" / "the route" there for the corridor named before.
        let (hs, he) = self.clause(cue.start, false);
        let named = self
            .ments
            .iter()
            .rev()
            .find(|m| {
                m.end <= cue.start && m.start >= hs && self.etype(m.entity) == EntityType::Corridor
            })
            .map(|m| (m.entity, m.end, None));
        let referred = || {
            // Close to the cue, and not when another corridor follows it: "it gives access
            // through the Trans-Afghan corridor to South Asia" is that corridor's route.
            let h = self.markers.iter().rev().find(|h| {
                h.marker == Marker::RefCorridor
                    && h.end <= cue.start
                    && h.start >= hs
                    && cue.start - h.end <= 160
            })?;
            let other = self.ments.iter().any(|m| {
                m.start >= cue.end && m.end <= he && self.etype(m.entity) == EntityType::Corridor
            });
            if other {
                return None;
            }
            let e = self.resolve_corridor(h, ctx)?;
            let word = &self.folded.text()[h.start..h.end];
            let resolved = format!("{word} -> {}", self.g.entity(e).name);
            Some((e, h.end, Some(resolved)))
        };
        let Some((corridor, corr_end, resolved)) = named.or_else(referred) else {
            return;
        };
        // Another verb of a different clause between corridor and cue ends its reach.
        // The route ends with a relative clause: "begins at Sangachal, which also takes gas
        // from Shah Deniz" does not run via Shah Deniz.
        let he = he.min(self.clause(cue.start, true).1);
        let targets: Vec<(usize, EntityIdx)> = self
            .ments
            .iter()
            .filter(|m| m.start >= cue.end && m.end <= he && ROUTE.contains(&self.etype(m.entity)))
            .map(|m| (m.start, m.entity))
            .collect();
        for (pos, t) in targets {
            if self.negated_between(cue.end, pos) || self.negated_between(corr_end, cue.start) {
                continue;
            }
            let inferred = resolved.is_some();
            self.emit(
                r.via,
                corridor,
                t,
                rule.clone(),
                None,
                &[],
                inferred,
                resolved.clone(),
            );
        }
    }

    /// PLACE ... <cue> CORRIDOR ("Gwadar, the focal point of CPEC").
    pub(super) fn corridor_inverse(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (_, seg_end) = self.clause(cue.start, true);
        let Some(corr) = self
            .ments
            .iter()
            .find(|m| {
                m.start >= cue.end
                    && m.end <= seg_end
                    && self.etype(m.entity) == EntityType::Corridor
            })
            .copied()
        else {
            return;
        };
        let Some(place) = self.subject(cue.start, ROUTE, ctx) else {
            return;
        };
        for &p in &place.entities {
            self.emit(
                r.via,
                corr.entity,
                p,
                rule.clone(),
                None,
                &[],
                false,
                place.resolved.clone(),
            );
        }
    }

    /// The corridor a reference ("the pipeline", "the route") stands for: the latest named
    /// one whose category the reference names, or the latest when it names none.
    fn resolve_corridor(&self, h: &Hit, ctx: &DocContext) -> Option<EntityIdx> {
        let words: Vec<&str> = self.folded.text()[h.start..h.end]
            .split_whitespace()
            .collect();
        let category = |e: EntityIdx| self.g.entity(e).category.as_deref().unwrap_or("");
        let recent = ctx.corridors().iter().rev().copied();
        let wanted = ctx
            .corridors()
            .iter()
            .map(|&e| category(e))
            .find(|c| !c.is_empty() && words.contains(c));
        match wanted {
            Some(c) => recent.clone().find(|&e| category(e) == c),
            None => recent.clone().next(),
        }
    }

    /// Gazetteer knowledge: a corridor whose name lists places of its route runs via them.
    pub(super) fn corridor_names(&mut self) {
        // A corridor whose name (as written) names countries or places runs via them:
        // "Uzbekistan–Afghanistan–Pakistan railway", "Chabahar–Zahedan railway".
        for i in 0..self.ments.len() {
            let m = self.ments[i];
            if self.etype(m.entity) != EntityType::Corridor {
                continue;
            }
            let surface = &self.folded.text()[m.start..m.end];
            let named: Vec<EntityIdx> = self
                .g
                .entity(m.entity)
                .via
                .iter()
                .copied()
                .filter(|&v| self.named_in(surface, v))
                .collect();
            for v in named {
                self.emit(
                    self.rules.rel.via,
                    m.entity,
                    v,
                    "corridor name lists its route".into(),
                    None,
                    &[],
                    false,
                    None,
                );
            }
        }
    }

    /// Does folded `surface` name entity `e` by one of its aliases (as a whole word)?
    pub(super) fn named_in(&self, surface: &str, e: EntityIdx) -> bool {
        let names = self
            .rules
            .route_names
            .get(&e)
            .map_or(&[][..], Vec::as_slice);
        names.iter().any(|f| {
            // memchr's search of a short haystack sets up nothing, where `match_indices`
            // builds a two-way searcher for each name; both find the same non-overlapping
            // occurrences, which start at character boundaries (a name is not empty).
            !f.is_empty()
                && memchr::memmem::find_iter(surface.as_bytes(), f.as_bytes()).any(|i| {
                    let before_ok = surface[..i]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !is_word_char(c));
                    let after_ok = surface[i + f.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !is_word_char(c));
                    before_ok && after_ok
                })
        })
    }
}
