//! Embeds every gazetteer entity file (`gazetteer/entities/*.toml`) and pattern file
//! (`gazetteer/patterns/*.toml`) in the binary, so the default gazetteer needs no file at
//! run time.
use std::{env, fs, path::Path};

fn main() {
    let mut out = embed("gazetteer/entities", "ENTITY_FILES");
    out.push_str(&embed("gazetteer/patterns", "PATTERN_FILES"));
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_files.rs");
    fs::write(dest, out).expect("write embedded file list");
}

/// A static `name` listing the `*.toml` files of `dir` (file name, contents), sorted.
fn embed(dir: &str, name: &str) -> String {
    let dir = Path::new(dir);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    let mut out = format!("pub static {name}: &[(&str, &str)] = &[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let abs = fs::canonicalize(p).expect("gazetteer file");
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            p.file_name().unwrap().to_string_lossy(),
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    out
}
