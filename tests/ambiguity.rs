//! Ambiguous aliases of the default gazetteer, each with sentences written for it that
//! should and should not match.

use silkgraph::corpus::Document;
use silkgraph::pipeline::{GazetteerConfig, Pipeline};
use std::sync::LazyLock;

static P: LazyLock<Pipeline> =
    LazyLock::new(|| Pipeline::load(&GazetteerConfig::default()).expect("embedded gazetteer"));

/// Entity ids tagged in `text`, with their surfaces.
fn tags(text: &str) -> Vec<(String, String)> {
    let a = P.analyse(Document::new("t", text), false);
    a.sentences
        .iter()
        .flat_map(|s| s.mentions.iter())
        .map(|m| {
            (
                a.text[m.start..m.end].to_string(),
                P.gazetteer.entity(m.entity).id.clone(),
            )
        })
        .collect()
}

fn tagged_as(text: &str, surface: &str) -> Option<String> {
    tags(text)
        .into_iter()
        .find(|(s, _)| s == surface)
        .map(|(_, id)| id)
}

#[test]
fn georgia_country_or_us_state() {
    assert_eq!(
        tagged_as("Georgia signed a transit deal with Azerbaijan.", "Georgia").as_deref(),
        Some("country:georgia")
    );
    assert_eq!(
        tagged_as("The governor of Georgia spoke in Atlanta.", "Georgia").as_deref(),
        Some("place:georgia-us")
    );
}

#[test]
fn jordan_chad_niger_are_countries_not_people_or_words() {
    assert_eq!(
        tagged_as("Jordan closed its border with Syria.", "Jordan").as_deref(),
        Some("country:jordan")
    );
    assert_eq!(tagged_as("Michael Jordan won six titles.", "Jordan"), None);
    assert_eq!(
        tagged_as("Chad and Niger expelled foreign troops.", "Chad").as_deref(),
        Some("country:chad")
    );
    assert_eq!(
        tagged_as("Chad and Niger expelled foreign troops.", "Niger").as_deref(),
        Some("country:niger")
    );
    assert_eq!(tagged_as("Chad Smith played the drums.", "Chad"), None);
    assert!(tags("a hanging chad in the ballot").is_empty());
}

#[test]
fn turkey_the_country_not_the_bird() {
    assert_eq!(
        tagged_as("Turkey bought air defence systems.", "Turkey").as_deref(),
        Some("country:turkiye")
    );
    assert!(tags("We roasted a turkey for dinner.").is_empty());
}

#[test]
fn kaan_and_akash_weapons_not_first_names() {
    assert_eq!(
        tagged_as("Türkiye unveiled the Kaan fighter.", "Kaan").as_deref(),
        Some("weapon:kaan")
    );
    assert_eq!(tagged_as("Kaan Ayhan scored for the club.", "Kaan"), None);
    assert_eq!(
        tagged_as("India deployed Akash missile batteries.", "Akash").as_deref(),
        Some("weapon:akash")
    );
    assert_eq!(tagged_as("Akash Ambani opened a store.", "Akash"), None);
}

#[test]
fn thunder_only_as_the_jf17() {
    assert_eq!(
        tagged_as("Nigeria flies the JF-17 Thunder.", "JF-17 Thunder").as_deref(),
        Some("weapon:jf-17")
    );
    assert!(tags("Thunder rolled across the plains.").is_empty());
}

#[test]
fn harop_drones() {
    assert!(tags("Azerbaijan used Harop drones.")
        .iter()
        .any(|(_, id)| id == "weapon:harop"));
}

#[test]
fn short_acronyms_are_case_sensitive() {
    assert!(tags("It is what it is, and so on.").is_empty());
    assert!(tags("Let us go and see.").is_empty());
    assert_eq!(
        tagged_as("The US imposed sanctions.", "US").as_deref(),
        Some("country:united-states")
    );
}

#[test]
fn army_is_an_organization_and_the_country_stays_apart() {
    assert_eq!(
        tagged_as("The Pakistan Army launched an operation.", "Pakistan Army").as_deref(),
        Some("organization:pakistan-army")
    );
    assert_eq!(
        tagged_as("Pakistan launched an operation.", "Pakistan").as_deref(),
        Some("country:pakistan")
    );
}

#[test]
fn capitals_are_governments_or_places() {
    assert_eq!(
        tagged_as("Ankara rejected the proposal.", "Ankara").as_deref(),
        Some("country:turkiye")
    );
    assert_eq!(
        tagged_as("The talks were held in Ankara.", "Ankara").as_deref(),
        Some("place:ankara")
    );
    assert_eq!(
        tagged_as("A Tehran-based analyst said so.", "Tehran").as_deref(),
        Some("place:tehran")
    );
}
