//! Membership: "Iran's accession to the SCO", "enlargement to include Pakistan and India".

use super::sentence::SentenceView;
use super::{Cue, DocContext, Hit, ACTOR};
use crate::gazetteer::{EntityIdx, EntityType};

impl SentenceView<'_> {
    /// MEMBER <cue> ORGANIZATION.
    pub(super) fn member(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let Some(org) = self
            .objects_after(cue.end, &[EntityType::Organization], None)
            .first()
            .map(|gr| self.members_of(gr, &[EntityType::Organization]))
        else {
            return;
        };
        let Some(member) = self.subject(cue.start, ACTOR, ctx) else {
            return;
        };
        self.emit_each(
            r.member,
            &member.entities,
            &org,
            &rule,
            None,
            &[],
            &member.resolved,
        );
    }

    /// ORGANIZATION <cue> MEMBERS.
    pub(super) fn member_inverse(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let r = self.rules.rel;
        let org = self
            .subject(cue.start, &[EntityType::Organization], ctx)
            .or_else(|| self.nearest_before(cue.start, &[EntityType::Organization]));
        let Some(org) = org else { return };
        let members: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, None)
            .first()
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        self.emit_each(
            r.member,
            &members,
            &org.entities,
            &rule,
            None,
            &[],
            &org.resolved,
        );
    }
}
