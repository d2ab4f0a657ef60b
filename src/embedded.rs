//! Data files compiled into the binary: the default gazetteer and the text rules.
include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

/// Boilerplate line patterns (`gazetteer/text/boilerplate.toml`).
pub static BOILERPLATE: &str = include_str!("../gazetteer/text/boilerplate.toml");
/// Cue words that decide whether a capital is a government or a place.
pub static CAPITAL_CUES: &str = include_str!("../gazetteer/text/capital_cues.toml");
/// Capitalised words that name nothing (sentence starters, months, titles).
pub static COMMON_WORDS: &str = include_str!("../gazetteer/text/common_words.txt");
