//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed corpus of the repository.
pub fn seeds() -> PathBuf {
    repo().join("seeds")
}

/// `../shared` next to the repository (schemas, eval). CI runs in a clone where it exists.
pub fn shared() -> PathBuf {
    repo().join("..").join("shared")
}

/// A `silkgraph` command.
pub fn silkgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

/// Run `silkgraph ARGS`, assert exit 0 and return (stdout, stderr).
pub fn run_ok<I, S>(args: I) -> (Vec<u8>, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = silkgraph().args(args).output().expect("run silkgraph");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "silkgraph failed with {:?}\nstderr:\n{stderr}",
        out.status
    );
    (out.stdout, stderr)
}

/// Write `text` to `dir/name`, creating parent directories.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

/// True when running under CI (`CI` set and not empty/false): missing tools are then errors.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// An external client a test needs.
#[derive(Debug, Clone, Copy)]
pub enum Tool {
    Python3,
    Networkx,
    Igraph,
    Pandas,
    Xmllint,
    Dot,
    Shared,
}

fn tool_available(t: Tool) -> bool {
    let ok = |mut c: StdCommand| c.output().map(|o| o.status.success()).unwrap_or(false);
    match t {
        Tool::Python3 => ok({
            let mut c = StdCommand::new("python3");
            c.arg("--version");
            c
        }),
        Tool::Networkx => ok({
            let mut c = StdCommand::new("python3");
            c.args(["-c", "import networkx"]);
            c
        }),
        Tool::Igraph => ok({
            let mut c = StdCommand::new("python3");
            c.args(["-c", "import igraph"]);
            c
        }),
        Tool::Pandas => ok({
            let mut c = StdCommand::new("python3");
            c.args(["-c", "import pandas"]);
            c
        }),
        Tool::Xmllint => ok({
            let mut c = StdCommand::new("xmllint");
            c.arg("--version");
            c
        }),
        Tool::Dot => ok({
            let mut c = StdCommand::new("dot");
            c.arg("-V");
            c
        }),
        Tool::Shared => shared().join("formats").is_dir() && shared().join("eval").is_dir(),
    }
}

fn tool_hint(t: Tool) -> &'static str {
    match t {
        Tool::Python3 => "python3 (apt-get install python3)",
        Tool::Networkx => "the networkx Python package (pip install networkx)",
        Tool::Igraph => "the python-igraph package (pip install igraph)",
        Tool::Pandas => "the pandas Python package (pip install pandas)",
        Tool::Xmllint => "xmllint (apt-get install libxml2-utils)",
        Tool::Dot => "graphviz `dot` (apt-get install graphviz)",
        Tool::Shared => "the ../shared directory next to the repository (schemas and eval gold)",
    }
}

/// Check that every tool in `tools` is present. Under CI a missing tool fails the test loudly;
/// elsewhere the test is skipped with a note (return false: the caller returns early).
pub fn require(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|t| !tool_available(**t))
        .map(|t| tool_hint(*t))
        .collect();
    if missing.is_empty() {
        return true;
    }
    if in_ci() {
        panic!(
            "{test}: CI is set but a required client is missing: {}. .ci/run installs them.",
            missing.join(", ")
        );
    }
    eprintln!(
        "note: skipping {test}: missing {} (set CI=1 to make this a failure)",
        missing.join(", ")
    );
    false
}

/// Run `python3 -c SCRIPT ARGS...`, assert success and return stdout.
pub fn python(script: &str, args: &[&Path]) -> String {
    let out = StdCommand::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("python output is UTF-8")
}

/// Run an external command, assert exit 0, return stdout+stderr for messages.
pub fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = StdCommand::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({:?}):\n{text}",
        out.status
    );
    text
}
