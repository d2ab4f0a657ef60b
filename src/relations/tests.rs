//! Rule tests on sentences written for them (not taken from the seed corpus), one group per
//! pattern: active, passive, acquisition, coordination, references, negation, modality.

use crate::corpus::Document;
use crate::pipeline::{GazetteerConfig, Pipeline};
use std::sync::LazyLock;

static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| Pipeline::load(&GazetteerConfig::default()).expect("embedded pipeline"));

/// (source name, relation, target name, status) of every relation in `text`.
fn rel(text: &str) -> Vec<(String, String, String, Option<&'static str>)> {
    rel_with(&PIPELINE, text)
}

/// [`rel`] with pipeline `p` (its own relation memo).
fn rel_with(p: &Pipeline, text: &str) -> Vec<(String, String, String, Option<&'static str>)> {
    let a = p.analyse(Document::new("t", text), true);
    let mut v: Vec<_> = a
        .sentences
        .iter()
        .flat_map(|s| s.relations.iter())
        .map(|h| {
            (
                p.gazetteer.entity(h.source).name.clone(),
                p.rules.relation(h.relation).name.clone(),
                p.gazetteer.entity(h.target).name.clone(),
                h.status.map(|s| s.as_str()),
            )
        })
        .collect();
    v.sort();
    v
}

fn has(v: &[(String, String, String, Option<&str>)], s: &str, r: &str, t: &str) -> bool {
    v.iter().any(|x| x.0 == s && x.1 == r && x.2 == t)
}

#[test]
fn active_transfer_with_coordinated_recipients() {
    let v = rel("Russia delivered S-400 systems to both India and Türkiye last year.");
    assert!(has(&v, "Russia", "supplies_arms_to", "India"), "{v:?}");
    assert!(has(&v, "Russia", "supplies_arms_to", "Türkiye"), "{v:?}");
    assert!(
        v.iter().any(|x| x.0 == "India" && x.1 == "acquires"),
        "{v:?}"
    );
}

#[test]
fn acquisition_with_from_and_possessive_noun() {
    let v = rel("Egypt's purchase of Rafale jets from France was completed in 2021.");
    assert!(has(&v, "France", "supplies_arms_to", "Egypt"), "{v:?}");
    assert!(has(&v, "Egypt", "acquires", "Rafale"), "{v:?}");
}

#[test]
fn deal_with_partner_before_the_acquisition_noun() {
    let v = rel("Bangladesh signed a contract with China for the purchase of 16 J-10C fighters.");
    assert!(has(&v, "China", "supplies_arms_to", "Bangladesh"), "{v:?}");
    assert!(has(&v, "Bangladesh", "acquires", "J-10C"), "{v:?}");
}

#[test]
fn passive_seller() {
    let v = rel("Nigeria now flies the JF-17 fighters sold by Pakistan.");
    assert!(has(&v, "Pakistan", "supplies_arms_to", "Nigeria"), "{v:?}");
}

#[test]
fn made_by_compound_and_passive() {
    let v = rel("Myanmar inducted Chinese-made J-10C jets.");
    assert!(has(&v, "J-10C", "made_by", "China"), "{v:?}");
    assert!(has(&v, "Myanmar", "acquires", "J-10C"), "{v:?}");
    let v = rel("Co-developed by China and Pakistan, the JF-17 is a light fighter.");
    assert!(
        has(&v, "JF-17", "made_by", "China") && has(&v, "JF-17", "made_by", "Pakistan"),
        "{v:?}"
    );
}

#[test]
fn supplier_inferred_from_maker() {
    let v = rel("Iraq procured the Chinese-manufactured HQ-9 system.");
    assert!(has(&v, "Iraq", "acquires", "HQ-9"), "{v:?}");
    assert!(has(&v, "China", "supplies_arms_to", "Iraq"), "{v:?}");
}

#[test]
fn pronoun_resolves_to_previous_subject() {
    let v = rel("Türkiye has become a major drone exporter. In 2022, it supplied Bayraktar TB2 drones to Poland.");
    assert!(has(&v, "Türkiye", "supplies_arms_to", "Poland"), "{v:?}");
}

#[test]
fn negation_and_denial_give_nothing() {
    assert!(rel("Israel did not supply Harop drones to Azerbaijan.")
        .iter()
        .all(|x| x.1 != "supplies_arms_to"));
    let v = rel("Officials in Tehran denied reports that Iran sold drones to Russia.");
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn modality_sets_status() {
    let v = rel("Indonesia is in negotiations with France to buy more Rafale jets.");
    assert!(
        v.iter()
            .any(|x| x.0 == "France" && x.1 == "supplies_arms_to" && x.3 == Some("negotiating")),
        "{v:?}"
    );
    let v = rel("Serbia has expressed interest in acquiring Rafale aircraft from France.");
    assert!(
        v.iter()
            .any(|x| x.1 == "supplies_arms_to" && x.3 == Some("interest")),
        "{v:?}"
    );
}

#[test]
fn non_arms_trade_is_not_an_arms_transfer() {
    let v = rel("Kazakhstan supplies wheat to Afghanistan.");
    assert!(v.iter().all(|x| x.1 != "supplies_arms_to"), "{v:?}");
}

#[test]
fn corridor_routes_and_bypass() {
    let v = rel("The INSTC runs through Iran and Azerbaijan to reach Russia.");
    assert!(
        has(&v, "INSTC", "corridor_via", "Iran") && has(&v, "INSTC", "corridor_via", "Azerbaijan"),
        "{v:?}"
    );
    let v = rel("The Middle Corridor lets traders bypass Russia.");
    assert!(v.iter().all(|x| x.1 != "corridor_via"), "{v:?}");
}

#[test]
fn membership_and_observer() {
    let v = rel("Belarus completed its accession to the SCO in 2024.");
    assert!(has(&v, "Belarus", "member_of", "SCO"), "{v:?}");
    let v = rel("Mongolia remains an observer in the SCO.");
    assert!(v.iter().all(|x| x.1 != "member_of"), "{v:?}");
}

#[test]
fn conflict_needs_material_fighting() {
    let v =
        rel("Armenia and Azerbaijan clashed again; Azerbaijan launched strikes against Armenia.");
    assert!(v.iter().any(|x| x.1 == "conflict_with"), "{v:?}");
    let v = rel("Tensions and rivalry between India and China persist.");
    assert!(v.is_empty(), "{v:?}");
    let v = rel("The India-China border clashes of 2020 killed soldiers.");
    assert!(
        has(&v, "China", "conflict_with", "India") || has(&v, "India", "conflict_with", "China"),
        "{v:?}"
    );
}

#[test]
fn cooperation_needs_an_agreement_not_a_meeting() {
    let v = rel("Kazakhstan and Uzbekistan signed a water-sharing agreement.");
    assert!(v.iter().any(|x| x.1 == "cooperates_with"), "{v:?}");
    let v = rel("The presidents of Kazakhstan and Uzbekistan met in Astana.");
    assert!(v.iter().all(|x| x.1 != "cooperates_with"), "{v:?}");
}

#[test]
fn pair_reference() {
    let v = rel("Georgia and Armenia border each other. The two countries signed a transit pact.");
    assert!(v.iter().any(|x| x.1 == "cooperates_with"), "{v:?}");
}

#[test]
fn reference_words_are_spotted_at_word_starts_only() {
    let s = super::ReferenceSpotter::new(&[
        ("it".into(), false),
        ("the country".into(), false),
        ("the country's".into(), false),
        ("the two countries".into(), true),
    ])
    .unwrap();
    let text = "With It, THE COUNTRY’S army; italy and the two countries, the countryside.";
    let f = crate::text::Folded::new(text);
    let mut spots = Vec::new();
    let mut i = 0;
    let bytes = f.text.as_bytes();
    while i < bytes.len() {
        let starts_word =
            bytes[i].is_ascii_alphanumeric() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if starts_word {
            let (n, hash) = crate::matcher::leading_word(&f.text, i);
            s.spot(&f, i, i + n, hash, &mut spots);
        }
        i += 1;
    }
    let found: Vec<(&str, bool)> = spots
        .iter()
        .map(|p| (&text[p.start..p.end], p.pair))
        .collect();
    assert_eq!(
        found,
        [
            ("It", false),
            ("THE COUNTRY’S", false),
            ("the two countries", true)
        ]
    );
    assert!(super::ReferenceSpotter::new(&[("'em".into(), false)]).is_err());
}

#[test]
fn a_copied_sentence_reuses_its_relations_unless_it_read_the_context() {
    let mut p = Pipeline::load(&GazetteerConfig::default()).expect("embedded pipeline");
    let fresh = |text: &str| rel_with(&PIPELINE, text);
    // Stated in full: the copy in the second document reuses the first's relations.
    let stated = "Russia delivered S-400 systems to India in 2021.";
    let doc1 = format!("Officials met in Delhi. {stated}");
    let doc2 = format!("A second outlet ran the story. {stated}");
    // Stated by reference: "It" is the actor of the sentence before, different in each.
    let by_reference = "It sold drones to Pakistan.";
    let doc3 = format!("China is a major arms exporter. {by_reference}");
    let doc4 = format!("Türkiye is a major arms exporter. {by_reference}");
    let before = p.relations_reused();
    for doc in [&doc1, &doc2, &doc3, &doc4] {
        assert_eq!(rel_with(&p, doc), fresh(doc), "{doc}");
    }
    let reused = p.relations_reused() - before;
    assert_eq!(reused, 1, "only the stated copy is reused");
    let v3 = rel_with(&p, &doc3);
    let v4 = rel_with(&p, &doc4);
    assert!(has(&v3, "China", "supplies_arms_to", "Pakistan"), "{v3:?}");
    assert!(
        has(&v4, "Türkiye", "supplies_arms_to", "Pakistan"),
        "{v4:?}"
    );
}
