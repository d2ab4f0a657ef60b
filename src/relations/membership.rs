//! Membership: "Iran's accession to the SCO", "enlargement to include Pakistan and India",
//! "NATO ally Turkey", "Belarus, a fellow SCO member". Observers, candidates, partners and
//! former members are not members (`[membership] not_member` in the rules), and a company
//! or an agency has partners, not members (`no_members`).

use super::sentence::SentenceView;
use super::{Cue, DocContext, Hit, Marker, ACTOR};
use crate::gazetteer::{EntityIdx, EntityType};
use crate::graph::Status;

/// What `[membership]` in the rules says beyond its marker phrases.
#[derive(Debug, Clone, Default)]
pub(super) struct MembershipRules {
    /// Organization categories with no members (folded).
    pub(super) no_members: Vec<String>,
    /// Folded cue words that make an ally ("NATO ally Turkey"): only organizations of
    /// `ally_categories` have allies that are members ("Hezbollah ally Iran" is not).
    pub(super) ally_words: Vec<String>,
    pub(super) ally_categories: Vec<String>,
}

/// Words allowed between a member and "ORGANIZATION member" in an apposition or a copula:
/// "Belarus, a fellow SCO member", "Turkey is a NATO ally", "Poland, as an EU member state".
const APPOSITION: &[&str] = &[
    ",",
    "a",
    "an",
    "the",
    "fellow",
    "another",
    "is",
    "was",
    "are",
    "were",
    "became",
    "becomes",
    "become",
    "remains",
    "remain",
    "as",
    "both",
    "full",
    "founding",
    "longtime",
    "long-time",
    "key",
    "close",
    "major",
    "staunch",
    "its",
    "their",
    "now",
    "also",
    "still",
    "'s",
];

/// Words allowed between "ORGANIZATION member" and the members after it: "EU countries such
/// as Hungary", "NATO states including Poland".
const LISTING: &[&str] = &["such", "as", "including", "like", ","];

impl SentenceView<'_> {
    /// Can `org` have `member` as a member (its category takes members)?
    fn takes_members(&self, org: EntityIdx) -> bool {
        let cat = self.g.entity(org).category.as_deref().unwrap_or("");
        !self
            .rules
            .membership
            .no_members
            .iter()
            .any(|c| c.as_str() == cat)
    }

    /// No full membership is stated in the clause of the cue: an observer, a candidate, a
    /// "non-" member, or only an aim to join ("seeks to join", "plans to join").
    /// `until`: where the statement ends (its last argument); a marker further on speaks of
    /// something else ("joined NATO in 2023 after decades of non-alignment").
    fn membership_denied(&self, cue: &Hit, until: usize) -> bool {
        let (a, b) = self.clause(cue.start, true);
        let b = b.min(until + 24);
        let not_member = self
            .markers
            .iter()
            .any(|h| h.marker == Marker::NotMember && h.start >= a && h.end <= b);
        not_member
            || matches!(
                self.status_at(cue, None),
                Some(Status::Interest | Status::Negotiating)
            )
    }

    fn emit_members(
        &mut self,
        members: &[EntityIdx],
        orgs: &[EntityIdx],
        rule: &str,
        resolved: &Option<String>,
    ) {
        let orgs: Vec<EntityIdx> = orgs
            .iter()
            .copied()
            .filter(|&o| self.takes_members(o))
            .collect();
        let r = self.rules.rel;
        self.emit_each(r.member, members, &orgs, rule, None, &[], resolved);
    }

    /// MEMBER <cue> ORGANIZATION.
    pub(super) fn member(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        let Some((org, end)) = self
            .objects_after(cue.end, &[EntityType::Organization], None)
            .first()
            .map(|gr| (self.members_of(gr, &[EntityType::Organization]), gr.end))
        else {
            return;
        };
        if self.membership_denied(cue, end) {
            return;
        }
        // "Members of the GCC, including Qatar and Oman": the members follow.
        let listed = || {
            self.objects_after(end, ACTOR, Some(&["including", "like", "as"]))
                .first()
                .filter(|gr| gr.start <= end + 24)
                .map(|gr| super::sentence::Arg {
                    entities: self.members_of(gr, ACTOR),
                    resolved: None,
                    pos: gr.start,
                })
        };
        let Some(member) = self.subject(cue.start, ACTOR, ctx).or_else(listed) else {
            return;
        };
        self.emit_members(&member.entities, &org, &rule, &member.resolved);
    }

    /// ORGANIZATION <cue> MEMBERS ("the Quad, whose members are India, Japan ...").
    pub(super) fn member_inverse(&mut self, cue: &Hit, _c: &Cue, rule: String, ctx: &DocContext) {
        if self.membership_denied(cue, cue.end) {
            return;
        }
        let org = self
            .subject(cue.start, &[EntityType::Organization], ctx)
            .or_else(|| self.nearest_before(cue.start, &[EntityType::Organization]));
        let Some(org) = org else { return };
        let members: Vec<EntityIdx> = self
            .objects_after(cue.end, ACTOR, None)
            .first()
            .map(|gr| self.members_of(gr, ACTOR))
            .unwrap_or_default();
        let resolved = org.resolved.clone();
        self.emit_members(&members, &org.entities, &rule, &resolved);
    }

    /// ORGANIZATION <member noun> MEMBER ("NATO ally Turkey", "EU member states Poland and
    /// Hungary"), or MEMBER, a ORGANIZATION <member noun> ("Belarus, a fellow SCO member").
    pub(super) fn member_compound(&mut self, cue: &Hit, _c: &Cue, rule: String, _ctx: &DocContext) {
        let text = self.folded.text();
        // The organization is glued to the noun: "NATO ally", "SCO member states".
        let Some(org) = self
            .ments
            .iter()
            .rev()
            .find(|m| m.end <= cue.start && text[m.end..cue.start].trim().is_empty())
            .filter(|m| self.etype(m.entity) == EntityType::Organization)
            .copied()
        else {
            return;
        };
        let word = &text[cue.start..cue.end];
        let m = &self.rules.membership;
        if m.ally_words.iter().any(|w| w == word) {
            let cat = self.g.entity(org.entity).category.as_deref().unwrap_or("");
            if !m.ally_categories.iter().any(|c| c == cat) {
                return;
            }
        }
        if self.membership_denied(cue, cue.end) {
            return;
        }
        // The member: right after the noun, or before the organization across an
        // apposition or a copula.
        let after = self
            .groups
            .iter()
            .find(|gr| {
                gr.start >= cue.end
                    && text[cue.end..gr.start]
                        .replace(',', " , ")
                        .split_whitespace()
                        .all(|w| LISTING.contains(&w))
                    && !text[cue.end..gr.start].trim().starts_with(',')
            })
            .map(|gr| self.members_of(gr, ACTOR))
            .filter(|v| !v.is_empty());
        // The mention right before the organization, and its coordinated group up to it
        // ("Saudi Arabia and the UAE, both OPEC members": a comma may have joined the
        // organization to that group).
        let before = || {
            let (i, prev) = self
                .ments
                .iter()
                .enumerate()
                .rev()
                .find(|(_, m)| m.end <= org.start)?;
            let gap = text[prev.end..org.start].replace(',', " , ");
            let mut words = gap.split_whitespace().peekable();
            if words.peek().is_none() || !words.all(|w| APPOSITION.contains(&w)) {
                return None;
            }
            let mut members: Vec<EntityIdx> =
                match self.groups.iter().find(|gr| gr.members.contains(&i)) {
                    Some(gr) => gr
                        .members
                        .iter()
                        .take_while(|&&j| j <= i)
                        .map(|&j| self.ments[j].entity)
                        .filter(|&e| self.is_actor(e))
                        .collect(),
                    None => vec![prev.entity]
                        .into_iter()
                        .filter(|&e| self.is_actor(e))
                        .collect(),
                };
            members.dedup();
            (!members.is_empty()).then_some(members)
        };
        // "Sweden's NATO membership": the owner is an attribute of the organization, not a
        // group of its own.
        let owner = || {
            self.ments
                .iter()
                .rev()
                .find(|m| m.end <= org.start)
                .filter(|m| text[m.end..org.start].trim() == "'s" && self.is_actor(m.entity))
                .map(|m| vec![m.entity])
        };
        let Some(members) = after.or_else(owner).or_else(before) else {
            return;
        };
        self.emit_members(&members, &[org.entity], &rule, &None);
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{GazetteerConfig, Pipeline};
    use crate::relations::RelationRules;

    #[test]
    fn membership_section_is_loaded_and_checked() {
        let p = Pipeline::load(&GazetteerConfig::default()).expect("embedded pipeline");
        let m = &p.rules.membership;
        assert!(m.ally_words.iter().any(|w| w == "ally"));
        assert!(m.ally_categories.iter().any(|c| c == "alliance"));
        assert!(m.no_members.iter().any(|c| c == "company"));
        // A misspelt key is an error that names the file, not a silently empty list.
        let bad = "[[relation]]\nname = \"member_of\"\nlabel = \"member of\"\n\
                   source = [\"country\"]\ntarget = [\"organization\"]\n\
                   [membership]\nnot_members = [\"observer\"]\n";
        let err = RelationRules::parse("bad.toml", bad, &p.gazetteer).unwrap_err();
        assert!(err.to_string().contains("bad.toml"), "{err}");
    }
}
