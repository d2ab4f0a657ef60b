//! Conflict: "strikes against Pakistan", "war between X and Y", "the Pakistan–India aerial
//! conflict".

use super::sentence::{Arg, SentenceView};
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::EntityType;

/// Prepositions whose object is no opponent: an agent ("brokered by"), an ally ("fought
/// alongside"), a beneficiary ("fought for").
const NOT_OPPONENT: &[&str] = &["by", "alongside", "for", "like", "including", "as", "among"];

impl SentenceView<'_> {
    /// SUBJECT <cue> OBJECT; noun cues (`subject = "nearest"`) take the closest actor before them.
    /// "X and Y exchanged fire" (no object, coordinated subjects) puts them in conflict with
    /// each other; "a strike on X from Y" takes Y when nothing owns the noun.
    pub(super) fn conflict(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        let subj = if c.nearest_subject {
            self.noun_owner(cue, ctx)
        } else {
            self.subject(cue.start, ACTOR, ctx)
        };
        // The object follows closely ("strikes against six locations in Pakistan"),
        // never as an agent ("a ceasefire brokered by the U.S."); "against it" refers back.
        let group = self
            .objects_after(cue.end, ACTOR, None)
            .into_iter()
            .find(|gr| !NOT_OPPONENT.contains(&gr.prep.as_str()))
            .filter(|gr| gr.start <= cue.end + 60);
        let obj = match group {
            Some(gr) => Some(Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.end,
            }),
            None => self.reference_after(cue, ctx),
        };
        let subj = match (subj, &obj) {
            (Some(s), _) => Some(s),
            // "a lethal strike on X from Y", "an attack on X by Y".
            (None, Some(o)) if c.nearest_subject => self
                .objects_after(o.pos, ACTOR, Some(&["from", "by"]))
                .first()
                .filter(|gr| gr.start <= o.pos + 40)
                .map(|gr| Arg {
                    entities: self.members_of(gr, ACTOR),
                    resolved: None,
                    pos: gr.start,
                }),
            _ => None,
        };
        let Some(subj) = subj else { return };
        let Some(obj) = obj else {
            if !c.nearest_subject && subj.entities.len() >= 2 {
                self.emit_among(r.conflict, &subj.entities, &rule, &subj.resolved);
            }
            return;
        };
        let resolved = subj.resolved.clone().or(obj.resolved.clone());
        self.emit_each(
            r.conflict,
            &subj.entities,
            &obj.entities,
            &rule,
            None,
            &[],
            &resolved,
        );
    }

    /// Who owns a conflict noun: the actor right before it ("Israel's attack on", "to Baku
    /// during the war against"), or "its" there for an earlier one, not a clause away.
    fn noun_owner(&self, cue: &Hit, ctx: &DocContext) -> Option<Arg> {
        let group = self
            .nearest_before(cue.start, ACTOR)
            .filter(|a| cue.start.saturating_sub(a.pos) <= 48);
        let (cstart, _) = self.clause(cue.start, true);
        let reference = self.markers.iter().rev().find(|h| {
            h.marker == Marker::RefSingle
                && h.end <= cue.start
                && h.start >= cstart
                && cue.start - h.end <= 32
        });
        let owner = |r: &Hit| {
            // "its" goes to the nearest actor before it ("a supporter of Azerbaijan in its
            // conflict with Armenia"), unless a subject reference comes between ("it
            // launched its first strike"): then to what that one names.
            let (hs, _) = self.clause(r.start, false);
            let near = self
                .groups
                .iter()
                .rev()
                .filter(|gr| gr.end <= r.start && gr.start >= hs && !gr.modifier)
                .find(|gr| !self.members_of(gr, ACTOR).is_empty());
            let between = self.markers.iter().rev().find(|h| {
                h.marker == Marker::RefSingle
                    && h.end <= r.start
                    && h.start >= near.map_or(hs, |gr| gr.end)
            });
            match (near, between) {
                (Some(gr), None) => Some(Arg {
                    entities: self.members_of(gr, ACTOR),
                    resolved: None,
                    pos: gr.start,
                }),
                (_, Some(b)) => self.resolve(b, ACTOR, ctx),
                (None, None) => self.resolve(r, ACTOR, ctx),
            }
        };
        match (group, reference) {
            (Some(g), Some(r)) if r.start > g.pos => owner(r),
            (None, Some(r)) => owner(r),
            (g, _) => g,
        }
    }

    /// "waging an insurgency against it", "attacks on the country": a reference right
    /// after the cue.
    fn reference_after(&self, cue: &Hit, ctx: &DocContext) -> Option<Arg> {
        let r = self.markers.iter().find(|h| {
            matches!(h.marker, Marker::RefSingle | Marker::RefPair)
                && h.start >= cue.end
                && h.start <= cue.end + 6
        })?;
        let mut arg = self.resolve(r, ACTOR, ctx)?;
        arg.pos = r.end;
        Some(arg)
    }

    /// VICTIM ... <cue> by AGENT ("soldiers were killed in an attack by the BLA",
    /// "Armenia was attacked by Azerbaijan").
    pub(super) fn conflict_passive(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        if self.clause_has(cue.start, Marker::Hypothetical) {
            return;
        }
        let Some(agent) = self
            .objects_after(cue.end, ACTOR, None)
            .into_iter()
            .find(|gr| gr.start <= cue.end + 24)
            .map(|gr| (self.members_of(gr, ACTOR), gr.end))
        else {
            return;
        };
        // The victim: "attacks by X on Y", else the subject ("Armenia was attacked by"),
        // never a place phrase ("in Afghanistan, attacks by the TTP").
        let on = self
            .objects_after(agent.1, ACTOR, Some(&["on", "against"]))
            .first()
            .filter(|gr| gr.start <= agent.1 + 40)
            .map(|gr| Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.start,
            });
        let victim = on.or_else(|| self.subject(cue.start, ACTOR, ctx));
        let Some(victim) = victim else { return };
        let agent = agent.0;
        self.emit_each(
            r.conflict,
            &agent,
            &victim.entities,
            &rule,
            None,
            &[],
            &victim.resolved,
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
            return;
        }
        // "fighting between Sudan's army and the RSF": two groups that a possessive and
        // a head noun keep apart, joined by "and".
        let (_, end) = self.clause(cue.start, true);
        let text = self.folded.text();
        let mut after = self
            .groups
            .iter()
            .filter(|gr| gr.start >= cue.end && gr.end <= end && !gr.modifier)
            .filter(|gr| !self.members_of(gr, ACTOR).is_empty());
        let (Some(a), Some(b)) = (after.next(), after.next()) else {
            return;
        };
        let lead = text[cue.end..a.start].split_whitespace().count();
        let gap: Vec<&str> = text[a.end..b.start].split_whitespace().collect();
        if lead <= 1
            && gap.len() <= 4
            && gap.contains(&"and")
            && !text[a.end..b.start].contains(',')
        {
            let mut parties = self.members_of(a, ACTOR);
            parties.extend(self.members_of(b, ACTOR));
            self.emit_among(r.conflict, &parties, &rule, &None);
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
