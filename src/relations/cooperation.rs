//! Cooperation: "X and Y signed", "an agreement with Y", "a pact between X and Y".

use super::sentence::{Arg, SentenceView, PREPOSITIONS};
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::EntityIdx;
use crate::graph::Status;

impl SentenceView<'_> {
    /// SUBJECTS <cue> [with PARTNER].
    pub(super) fn cooperate(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        let by = self
            .objects_after(cue.end, ACTOR, Some(&["by"]))
            .first()
            .map(|gr| Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.start,
            })
            .or_else(|| {
                self.markers
                    .iter()
                    .find(|h| {
                        matches!(h.marker, Marker::RefPair | Marker::RefSingle)
                            && h.start >= cue.end
                            && h.start <= cue.end + 12
                            && self.word_before(h.start) == "by"
                    })
                    .and_then(|h| self.resolve(h, ACTOR, ctx))
            });
        // "agreed to resume negotiations": agreeing to talk is not an agreement.
        if self.markers.iter().any(|h| {
            h.marker == Marker::Modal(Status::Negotiating)
                && h.start >= cue.end
                && h.start <= cue.end + 40
        }) {
            return;
        }
        let subj = by
            .or_else(|| self.subject(cue.start, ACTOR, ctx))
            .or_else(|| self.nearest_before(cue.start, ACTOR));
        let Some(subj) = subj else { return };
        let mut parties = subj.entities.clone();
        let partners: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, Some(&["with"]))
            .first()
            .filter(|gr| gr.start <= cue.end + 50)
            .map(|gr| self.members_of(gr, ACTOR))
            .or_else(|| {
                // "a deal with China for the acquisition": the partner before the cue.
                let (hs, _) = self.clause(cue.start, false);
                self.groups
                    .iter()
                    .rev()
                    .find(|gr| gr.end <= cue.start && gr.start >= hs && gr.prep == "with")
                    .map(|gr| self.members_of(gr, ACTOR))
            })
            .unwrap_or_default();
        if !partners.is_empty() {
            // "X and Y signed ... with Z": each signs with Z.
            self.emit_each(
                r.cooperates,
                &subj.entities,
                &partners,
                &rule,
                None,
                &[],
                &subj.resolved,
            );
            return;
        }
        if parties.len() == 1 {
            // "X visited Y, leading to the signing of agreements": the other actor of
            // the clause between subject and cue.
            let (hs, _) = self.clause(cue.start, false);
            if let Some(other) = self
                .groups
                .iter()
                .filter(|gr| gr.end <= cue.start && gr.start >= hs && !gr.modifier)
                // A direct object ("visited Pakistan") or a partner ("relationship
                // with Saudi Arabia"), not a location ("war in Ukraine").
                .filter(|gr| {
                    !PREPOSITIONS.contains(&gr.prep.as_str())
                        || matches!(gr.prep.as_str(), "with" | "of")
                })
                .flat_map(|gr| self.members_of(gr, ACTOR))
                .find(|e| !parties.contains(e))
            {
                parties.push(other);
            }
        } else if self.clause_has(cue.start, Marker::Distributive) {
            // "X and Y signed 37 and 28 memoranda, respectively": not with each other.
            return;
        }
        parties.dedup();
        self.emit_among(r.cooperates, &parties, &rule, &subj.resolved);
    }

    /// <cue> X and Y ("agreement between X and Y").
    pub(super) fn cooperate_between(
        &mut self,
        cue: &Hit,
        _c: &Cue,
        rule: String,
        ctx: &DocContext,
    ) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        if let Some(arg) = self.between_parties(cue, ctx) {
            self.emit_among(r.cooperates, &arg.entities, &rule, &arg.resolved);
        }
    }
}
