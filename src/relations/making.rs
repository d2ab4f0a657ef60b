//! Who makes a weapon: "developed by China and Pakistan", "Chinese-made J-10C", and the
//! gazetteer's makers named before a weapon ("China's PL-15E").

use super::sentence::SentenceView;
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::{AliasKind, EntityIdx, EntityType};

impl SentenceView<'_> {
    /// WEAPON <cue> MAKERS; "jointly" before the cue also makes the makers cooperate.
    /// "built by ASFAT for the Pakistan Navy": the makers also supply the customer.
    pub(super) fn made_by_passive(&mut self, cue: &Hit, _c: &Cue, rule: String, _ctx: &DocContext) {
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        let makers_group = self
            .objects_after(cue.end, ACTOR, None)
            .first()
            .map(|gr| (self.members_of(gr, ACTOR), gr.end));
        let Some((makers, makers_end)) = makers_group else {
            return;
        };
        let left = self
            .ments
            .iter()
            .rev()
            .find(|m| {
                m.end <= cue.start
                    && m.start >= seg_start
                    && self.etype(m.entity) == EntityType::Weapon
            })
            .map(|m| m.entity);
        let weapon = left.or_else(|| {
            self.ments
                .iter()
                .find(|m| m.start >= makers_end && self.etype(m.entity) == EntityType::Weapon)
                .map(|m| m.entity)
        });
        let customer: Vec<EntityIdx> = self
            .objects_after(makers_end, ACTOR, Some(&["for"]))
            .first()
            .filter(|gr| {
                self.folded.text()[makers_end..gr.start]
                    .split_whitespace()
                    .count()
                    <= 2
            })
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        let arms = weapon.is_some()
            || self
                .markers
                .iter()
                .any(|h| h.marker == Marker::Arms && h.start >= seg_start && h.end <= seg_end);
        if !customer.is_empty() && arms {
            let weapons: Vec<EntityIdx> = weapon.into_iter().collect();
            let rule = format!("{rule} + for a customer");
            let status = Some(crate::graph::Status::Delivered);
            self.emit_each(
                r.supplies, &makers, &customer, &rule, status, &weapons, &None,
            );
            for &w in &weapons {
                self.emit_each(r.acquires, &customer, &[w], &rule, status, &[w], &None);
            }
        }
        let Some(w) = weapon else { return };
        for &mk in &makers {
            self.emit(r.made_by, w, mk, rule.clone(), None, &[], false, None);
        }
        if self.folded.text()[..cue.start]
            .trim_end()
            .ends_with("jointly")
        {
            self.emit_among(r.cooperates, &makers, &format!("{rule} + jointly"), &None);
        }
    }

    /// DEMONYM<cue> WEAPON ("Chinese-manufactured J-10C").
    pub(super) fn made_by_compound(
        &mut self,
        cue: &Hit,
        _c: &Cue,
        rule: String,
        _ctx: &DocContext,
    ) {
        let r = self.rules.rel;
        let (_, seg_end) = self.clause(cue.start, true);
        // DEMONYM-made WEAPON: the mention must end right at the cue.
        let Some(maker) = self
            .ments
            .iter()
            .find(|m| m.end == cue.start && self.is_actor(m.entity))
            .copied()
        else {
            return;
        };
        if cue.start > 0
            && self.folded.text()[cue.start..].starts_with(' ')
            && maker.kind != AliasKind::Demonym
        {
            return;
        }
        // The weapon follows within a few words, in the same clause.
        let window_end = (cue.end + 60).min(seg_end);
        let weapon = self
            .ments
            .iter()
            .find(|m| m.start >= cue.end && m.end <= window_end && !self.is_actor(m.entity))
            .filter(|m| self.etype(m.entity) == EntityType::Weapon)
            .map(|m| m.entity);
        if let Some(w) = weapon {
            self.emit(r.made_by, w, maker.entity, rule, None, &[], false, None);
        }
    }

    /// Gazetteer knowledge: a known maker named right before the weapon it makes.
    pub(super) fn makers_named_before(&mut self) {
        // "China's PL-15E", "Chinese J-10C": a known maker named right before the weapon.
        for i in 0..self.ments.len() {
            let w = self.ments[i];
            if self.etype(w.entity) != EntityType::Weapon || i == 0 {
                continue;
            }
            let prev = self.ments[i - 1];
            let gap = &self.folded.text()[prev.end..w.start];
            let words = gap.split_whitespace().count();
            let possessive = gap.starts_with("'s");
            let close = (possessive || prev.kind == AliasKind::Demonym)
                && words <= 3
                && !gap.contains([',', ';', '(']);
            if close && self.g.entity(w.entity).made_by.contains(&prev.entity) {
                let compound = self.cues.iter().any(|c| c.start == prev.end);
                if !compound {
                    self.emit(
                        self.rules.rel.made_by,
                        w.entity,
                        prev.entity,
                        "maker named before a weapon it makes".into(),
                        None,
                        &[],
                        true,
                        None,
                    );
                }
            }
        }
    }
}
