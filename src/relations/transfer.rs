//! Arms transfers and acquisitions: "X supplied W to Y", "sold by X", "Y bought W from X",
//! "Y operates W". Cues: `supply-*`, `acquire-*`, `order-verb`, `dependence`, `operate-verb`.

use super::sentence::{Arg, SentenceView};
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::{EntityIdx, EntityType};

impl SentenceView<'_> {
    /// SUBJECT <cue> [weapons] to RECIPIENT: the subject supplies the recipient.
    pub(super) fn transfer(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let weapons = self.weapons_in(seg_start, seg_end);
        let rec_group = self
            .objects_after(cue.end, ACTOR, Some(&["to"]))
            .first()
            .map(|gr| (self.members_of(gr, ACTOR), gr.start));
        let Some((rec, rec_start)) = rec_group else {
            return;
        };
        // What is handed over must be arms: a weapon or an arms word between the
        // verb and the recipient ("provided financial assistance to" is not).
        let object = &self.folded.text()[cue.start..rec_start];
        let arms_object = self.ments.iter().any(|m| {
            m.start >= cue.end && m.end <= rec_start && self.etype(m.entity) == EntityType::Weapon
        }) || self
            .markers
            .iter()
            .any(|h| h.marker == Marker::Arms && h.start >= cue.start && h.end <= rec_start)
            || object.contains("arms");
        if !arms_object {
            return;
        }
        let status = self.status_at(cue, c.status);
        let weapons_after = self.weapons_in(cue.end, seg_end);
        for &w in &weapons_after {
            self.emit_each(r.acquires, &rec, &[w], &rule, status, &[w], &None);
        }
        let Some(sup) = self.subject(cue.start, ACTOR, ctx) else {
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
        for &w in &weapons {
            self.emit_each(
                r.acquires,
                &rec.entities,
                &[w],
                &rule,
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
        for &w in &weapons {
            self.emit_each(
                r.acquires,
                &rec.entities,
                &[w],
                &rule,
                status,
                &[w],
                &rec.resolved,
            );
        }
    }
}
