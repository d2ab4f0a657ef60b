//! Conflict: "strikes against Pakistan", "war between X and Y", "the Pakistan–India aerial
//! conflict".

use super::sentence::SentenceView;
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::{EntityIdx, EntityType};

impl SentenceView<'_> {
    /// SUBJECT <cue> OBJECT; noun cues (`subject = "nearest"`) take the closest actor before them.
    pub(super) fn conflict(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        let subj = if c.nearest_subject {
            // The noun's owner sits close by ("Israel's attack on", "to Baku during
            // the war against"), not a clause away.
            self.nearest_before(cue.start, ACTOR)
                .filter(|a| cue.start.saturating_sub(a.pos) <= 48)
        } else {
            self.subject(cue.start, ACTOR, ctx)
        };
        let Some(subj) = subj else { return };
        // The object follows closely ("strikes against six locations in Pakistan"),
        // never as an agent ("a ceasefire brokered by the U.S.").
        let objs: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, None)
            .into_iter()
            .find(|gr| gr.prep != "by")
            .filter(|gr| gr.start <= cue.end + 60)
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        self.emit_each(
            r.conflict,
            &subj.entities,
            &objs,
            &rule,
            None,
            &[],
            &subj.resolved,
        );
    }

    /// <cue> X and Y ("war between X and Y").
    pub(super) fn conflict_between(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        if let Some(arg) = self.between_parties(cue, ctx) {
            self.emit_among(r.conflict, &arg.entities, &rule, &arg.resolved);
        }
    }

    /// "the Pakistan–India aerial conflict": a dash pair right before a conflict noun.
    pub(super) fn pair_conflicts(&mut self) {
        const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
        let nouns: Vec<Hit> = self
            .markers
            .iter()
            .filter(|h| h.marker == Marker::PairNoun)
            .copied()
            .collect();
        let mut found = Vec::new();
        for gr in self.groups.iter().filter(|gr| gr.dash) {
            let actors = self.members_of(gr, ACTOR);
            if actors.len() < 2 {
                continue;
            }
            let close = nouns.iter().any(|n| {
                n.start >= gr.end && {
                    let gap = &self.folded.text()[gr.end..n.start];
                    gap.split_whitespace().count() <= 2 && !gap.contains([',', ';', '.'])
                }
            });
            let negated = self.markers.iter().any(|h| {
                h.marker == Marker::NegClause
                    && h.end <= gr.start
                    && self.clause(gr.start, true).0 <= h.start
            });
            if close && !negated {
                found.push(actors);
            }
        }
        for actors in found {
            self.emit_among(
                self.rules.rel.conflict,
                &actors,
                "hyphenated pair + conflict noun",
                &None,
            );
        }
    }
}
