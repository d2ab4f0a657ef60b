//! Arms transfers and acquisitions: "X supplied W to Y", "sold by X", "Y bought W from X",
//! "Y operates W". Cues: `supply-*`, `acquire-*`, `order-verb`, `dependence`, `operate-verb`.

use super::sentence::{Arg, SentenceView};
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::{EntityIdx, EntityType};
use crate::graph::Status;

impl SentenceView<'_> {
    /// SUBJECT <cue> [weapons] to RECIPIENT: the subject supplies the recipient.
    pub(super) fn transfer(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, seg_end);
        let preps: Vec<&str> = c.recipient.iter().map(String::as_str).collect();
        let rec_group = self
            .objects_after(cue.end, ACTOR, Some(&preps))
            .first()
            .map(|gr| (self.members_of(gr, ACTOR), gr.start));
        let Some((rec, rec_start)) = rec_group else {
            return;
        };
        if self.participle_before_recipient(cue, rec_start) {
            self.transfer_participle(cue, c, rule, &rec);
            return;
        }
        // What is handed over must be arms: a weapon or an arms word between the
        // verb and the recipient ("provided financial assistance to" is not). With nothing
        // between them, the object is elsewhere in the clause ("the S-400, which Russia sold
        // to China"; "sold to India several batches of Su-30s").
        let object = &self.folded.text()[cue.start..rec_start];
        let (from, to) = if object[cue.end - cue.start..]
            .split_whitespace()
            .all(|w| matches!(w, "to" | "for" | "the" | "both"))
        {
            self.clause(cue.start, false)
        } else {
            (cue.start, rec_start)
        };
        let arms_object = self.ments.iter().any(|m| {
            m.start >= from.min(cue.end)
                && m.end <= to
                && self.etype(m.entity) == EntityType::Weapon
        }) || self
            .markers
            .iter()
            .any(|h| h.marker == Marker::Arms && h.start >= from && h.end <= to)
            || object.contains("arms");
        if !arms_object {
            return;
        }
        let status = self.status_at(cue, c.status);
        let weapons_after = self.weapons_in(cue.end, seg_end);
        for &w in &weapons_after {
            self.emit_each(r.acquires, &rec, &[w], &rule, status, &[w], &None);
        }
        // "the sale of F-16s to Pakistan by the United States": the agent supplies.
        let agent = self
            .objects_after(rec_start, ACTOR, Some(&["by"]))
            .first()
            .map(|gr| Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.start,
            });
        let Some(sup) = agent.or_else(|| self.subject(cue.start, ACTOR, ctx)) else {
            return;
        };
        self.emit_each(
            r.supplies,
            &sup.entities,
            &rec,
            &rule,
            status,
            &weapons,
            &sup.resolved,
        );
    }

    /// "drones exported to Kazakhstan", "the jets were delivered to Myanmar": the verb has no
    /// object before its recipient and no actor right before it, so it is a passive or a
    /// reduced relative whose object is the weapon before it, and whose supplier is an agent
    /// ("by X"), not the clause's subject.
    fn participle_before_recipient(&self, cue: &Hit, rec_start: usize) -> bool {
        let gap = &self.folded.text()[cue.end..rec_start];
        // Noun cues ("arms exports to") and their owners ("Russia's") are not verbs.
        if self.folded.text()[cue.start..cue.end].contains(' ') {
            return false;
        }
        let direct = gap
            .split_whitespace()
            .all(|w| matches!(w, "to" | "for" | "the" | "both"));
        if !direct {
            return false;
        }
        let aux = &self.rules.subjects;
        let words = self.words_before(cue.start, 4);
        let Some(first) = words
            .iter()
            .find(|w| !aux.adverbs.iter().any(|a| a == *w) && !w.ends_with("ly"))
        else {
            return false;
        };
        if first.ends_with("'s") {
            return false;
        }
        if aux.passive.iter().any(|p| p == first) {
            return true;
        }
        // An actor (or a reference to one) right before the verb is its subject: "which
        // Russia sold to India".
        let at = self.folded.text()[..cue.start].trim_end().len();
        let actor_adjacent = self.groups.iter().any(|gr| {
            gr.end <= cue.start
                && !self.members_of(gr, ACTOR).is_empty()
                && self.folded.text()[gr.end..at]
                    .split_whitespace()
                    .all(|w| aux.adverbs.iter().any(|a| a == w) || w.ends_with("ly"))
        }) || self.markers.iter().any(|h| {
            matches!(h.marker, Marker::RefSingle | Marker::RefPair)
                && h.end <= cue.start
                && self.folded.text()[h.end..at]
                    .split_whitespace()
                    .all(|w| aux.adverbs.iter().any(|a| a == w) || w.ends_with("ly"))
        });
        !actor_adjacent && !aux.active.iter().any(|p| p == first)
    }

    /// The passive reading of a transfer verb (see `participle_before_recipient`): the
    /// weapons before the verb go to the recipient; the supplier is the agent after "by",
    /// else the weapon's known maker (inferred).
    fn transfer_participle(&mut self, cue: &Hit, c: &Cue, rule: String, rec: &[EntityIdx]) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, cue.start);
        let arms_before = self
            .markers
            .iter()
            .any(|h| h.marker == Marker::Arms && h.start >= seg_start && h.end <= cue.start);
        if weapons.is_empty() && !arms_before {
            return;
        }
        let status = self.status_at(cue, c.status);
        let rule = format!("{rule} + participle");
        for &w in &weapons {
            self.emit_each(r.acquires, rec, &[w], &rule, status, &[w], &None);
        }
        let agents: Vec<EntityIdx> = self
            .groups
            .iter()
            .filter(|gr| gr.start >= cue.end && gr.end <= seg_end && gr.prep == "by")
            .flat_map(|gr| self.members_of(gr, ACTOR))
            .collect();
        if !agents.is_empty() {
            self.emit_each(r.supplies, &agents, rec, &rule, status, &weapons, &None);
            return;
        }
        for &w in &weapons {
            for &m in &self.g.entity(w).made_by {
                if self.etype(m) == EntityType::Country && !rec.contains(&m) {
                    for &t in rec {
                        self.emit(
                            r.supplies,
                            m,
                            t,
                            format!("{rule} + maker of the weapon"),
                            status,
                            &weapons,
                            true,
                            None,
                        );
                    }
                }
            }
        }
    }

    /// RECIPIENT ... <cue> by SUPPLIER ("sold by Pakistan").
    pub(super) fn transfer_passive(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, seg_end);
        if weapons.is_empty() && !self.arms_word {
            return;
        }
        let sup: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, Some(&["by"]))
            .first()
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        let rec = self
            .objects_after(cue.end, ACTOR, Some(&["to"]))
            .first()
            .map(|gr| Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.start,
            })
            .or_else(|| self.subject(cue.start, ACTOR, ctx));
        let Some(rec) = rec else { return };
        let status = self.status_at(cue, c.status);
        self.emit_each(
            r.supplies,
            &sup,
            &rec.entities,
            &rule,
            status,
            &weapons,
            &rec.resolved,
        );
    }

    /// RECIPIENT <cue> [weapons] from SUPPLIER; without a seller the weapon's maker stands in
    /// (inferred).
    pub(super) fn acquire(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, seg_end);
        if weapons.is_empty() && !self.arms_word {
            return;
        }
        let Some(rec) = self.subject(cue.start, ACTOR, ctx) else {
            return;
        };
        let status = self.status_at(cue, c.status);
        // The seller: "from X" after the cue, "on X" for dependence, or the partner
        // of a deal or negotiation in the same clause ("a deal with China for the
        // acquisition of").
        let mut sellers: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, Some(&["from", "on"]))
            .first()
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        if sellers.is_empty() {
            let (hs, he) = self.clause(cue.start, false);
            sellers = self
                .groups
                .iter()
                .filter(|gr| gr.start >= hs.max(rec.pos) && gr.end <= he && gr.prep == "with")
                .flat_map(|gr| self.members_of(gr, ACTOR))
                .collect();
        }
        let mut inferred_sellers = Vec::new();
        if sellers.is_empty() {
            // Gazetteer knowledge: the weapon's maker countries.
            for &w in &weapons {
                for &m in &self.g.entity(w).made_by {
                    if self.etype(m) == EntityType::Country && !rec.entities.contains(&m) {
                        inferred_sellers.push(m);
                    }
                }
            }
        }
        self.emit_each(
            r.supplies,
            &sellers,
            &rec.entities,
            &rule,
            status,
            &weapons,
            &rec.resolved,
        );
        // A maker standing in for the seller is gazetteer knowledge: always inferred.
        for &t in &rec.entities {
            for &s in &inferred_sellers {
                self.emit(
                    r.supplies,
                    s,
                    t,
                    format!("{rule} + maker of the weapon"),
                    status,
                    &weapons,
                    true,
                    rec.resolved.clone(),
                );
            }
        }
        self.acquire_each(r.acquires, &rec, &weapons, &rule, status);
    }

    /// Each holder in `rec` acquires each weapon, one edge per weapon (a weapon's own
    /// evidence names only it).
    fn acquire_each(
        &mut self,
        acquires: Option<usize>,
        rec: &Arg,
        weapons: &[EntityIdx],
        rule: &str,
        status: Option<Status>,
    ) {
        for &w in weapons {
            self.emit_each(
                acquires,
                &rec.entities,
                &[w],
                rule,
                status,
                &[w],
                &rec.resolved,
            );
        }
    }

    /// SUBJECT <cue> WEAPONS: the subject acquires the weapons it operates.
    pub(super) fn operate(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (_, seg_end) = self.clause(cue.start, true);
        // Only weapons right after the verb: "operate a joint facility for the
        // production of the Kaan" operates a facility, not the Kaan.
        let weapons = self.weapons_in(cue.end, seg_end.min(cue.end + 48));
        if weapons.is_empty() {
            return;
        }
        // Only the weapons right after the verb ("deployed J-10C jets, which ...").
        let Some(rec) = self.subject(cue.start, ACTOR, ctx) else {
            return;
        };
        // Operating is a fact of the present; modality nearby belongs to other verbs.
        let status = c.status;
        self.acquire_each(r.acquires, &rec, &weapons, &rule, status);
    }

    /// WEAPON ... <cue> ACTOR ("the TB2 drones entered service with the Kyrgyz Air Force"):
    /// the actor after the cue operates the weapons before it.
    pub(super) fn operate_inverse(&mut self, cue: &Hit, c: &Cue, rule: String, _ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, _) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, cue.start);
        let Some(holder) = self
            .objects_after(cue.end, ACTOR, None)
            .first()
            .filter(|gr| gr.start <= cue.end + 12)
            .map(|gr| self.members_of(gr, ACTOR))
        else {
            return;
        };
        for &w in &weapons {
            self.emit_each(r.acquires, &holder, &[w], &rule, c.status, &[w], &None);
        }
    }

    /// "operators of the JF-17", "buyers of Chinese drones": the actors the noun is said of
    /// (before it: "Azerbaijan joins Myanmar and Nigeria as buyers of"; or after it:
    /// "operators of the TB2 include Ukraine and Poland") acquire the weapons after it, from
    /// the sellers after "from".
    pub(super) fn operator_noun(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let (hs, _) = self.clause(cue.start, false);
        // The weapons: from the cue to the first actor after it.
        let first_actor = self
            .objects_after(cue.end, ACTOR, None)
            .into_iter()
            // "of the Chinese J-10C": a demonym before the weapon names its maker.
            .find(|gr| {
                gr.members
                    .iter()
                    .any(|&i| self.ments[i].kind != crate::gazetteer::AliasKind::Demonym)
            })
            .map_or(seg_end, |gr| gr.start);
        let weapons = self.weapons_in(cue.end, first_actor);
        if weapons.is_empty() && !self.arms_word {
            return;
        }
        // The subject before the noun; when it is the object of "joins" ("Azerbaijan joins
        // Myanmar and Nigeria as buyers of"), the subject of "joins" too.
        let mut holders: Vec<EntityIdx> = Vec::new();
        let mut resolved = None;
        if let Some(subj) = self.subject(cue.start, ACTOR, ctx) {
            if subj.pos >= hs.max(seg_start) {
                holders = subj.entities.clone();
                resolved = subj.resolved.clone();
                let joins = self
                    .words_before(subj.pos, 2)
                    .iter()
                    .any(|w| self.rules.subjects.joining.iter().any(|j| j == w));
                if joins {
                    if let Some(first) = self.subject(subj.pos, ACTOR, ctx) {
                        holders.extend(first.entities);
                    }
                }
            }
        }
        let after = self.objects_after(cue.end, ACTOR, None);
        let sellers: Vec<EntityIdx> = after
            .iter()
            .filter(|gr| gr.prep == "from")
            .flat_map(|gr| self.members_of(gr, ACTOR))
            .collect();
        if holders.is_empty() {
            // "operators of the TB2 include Ukraine": the first actor after, not a seller.
            holders = after
                .iter()
                .find(|gr| !PREPS_NOT_HOLDER.contains(&gr.prep.as_str()))
                .map(|gr| self.members_of(gr, ACTOR))
                .unwrap_or_default();
        }
        holders.dedup();
        if holders.is_empty() {
            return;
        }
        let status = self.status_at(cue, c.status);
        for &w in &weapons {
            self.emit_each(r.acquires, &holders, &[w], &rule, status, &[w], &resolved);
        }
        self.emit_each(
            r.supplies, &sellers, &holders, &rule, status, &weapons, &resolved,
        );
    }
}

/// After an "operators of" noun, actors behind these are sellers or places, not operators.
const PREPS_NOT_HOLDER: &[&str] = &["from", "by", "in", "of", "at", "to", "with", "for"];
