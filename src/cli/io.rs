//! The one place outputs are written. Every command prints through an [`Output`], so the
//! rules hold for all of them:
//!
//! - `-o -` or no `-o`: standard output. A closed pipe ends the run quietly (exit 0, like
//!   ripgrep, see `main`); any other write error (a full disk) is exit 2.
//! - A regular file (existing or new) is written to a temp file in its own directory, synced,
//!   then renamed over it, after symbolic links are resolved: the link stays a link and its
//!   target is replaced, with the target's permissions. A hard link is not followed: the
//!   rename gives the output name a new file and the other names keep the old content.
//!   The temp file is removed on failure and on SIGINT, SIGTERM and SIGHUP.
//! - Anything else that exists (a device, a FIFO) is opened and written directly, so
//!   `-o /dev/null` stays a device and `-o /dev/full` fails.
//! - An output that is one of the inputs (the same file after links, or the same device and
//!   inode), or that the next run over an input directory would read as corpus, is refused.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{anyhow, bail, Context, Result};
use silkgraph::corpus::is_corpus_file_name;

/// The outputs of a graph export: the nodes and edges tables for CSV (`-o NAME.csv` or
/// `-o DIR/`, the directory made if need be), else one output (no `-o`, or `-`: standard
/// output). Made before any input is read, so a bad output fails first.
pub fn graph_outputs(csv: bool, output: Option<&Path>, inputs: &[&Path]) -> Result<Vec<Output>> {
    if !csv {
        return Ok(vec![Output::create(output, inputs)?]);
    }
    let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
        bail!("CSV is two tables (nodes and edges): write them with -o DIR/ or -o NAME.csv");
    };
    let (nodes, edges) = silkgraph::export::csv_paths(path);
    if let Some(dir) = nodes.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot write {}", dir.display()))?;
    }
    Ok(vec![
        Output::create(Some(&nodes), inputs)?,
        Output::create(Some(&edges), inputs)?,
    ])
}

/// Write `graph` to `outs` (from [`graph_outputs`]) and finish them; returns the paths
/// written, for the summary line.
pub fn write_graph(
    graph: &silkgraph::graph::KnowledgeGraph,
    csv: bool,
    format: silkgraph::export::Format,
    opts: &silkgraph::export::ExportOptions,
    mut outs: Vec<Output>,
) -> Result<Vec<String>> {
    use silkgraph::export;
    if csv {
        export::write_csv_nodes(graph, &mut outs[0])?;
        export::write_csv_edges(graph, &mut outs[1])?;
    } else {
        export::write_to(graph, format, opts, &mut outs[0])?;
    }
    let shown = outs
        .iter()
        .filter_map(|o| o.path().map(|p| p.display().to_string()))
        .collect();
    for out in outs {
        out.finish()?;
    }
    Ok(shown)
}

/// Where the bytes go.
enum Target {
    Stdout,
    /// A device or FIFO, written in place.
    Direct,
    /// A regular file, replaced by renaming `tmp` over `dest` (the link-resolved path).
    Atomic {
        dest: PathBuf,
        tmp: tempfile::TempPath,
        file: File,
    },
}

/// An output being written; [`Output::finish`] completes it. Dropped unfinished (an error
/// on the way), it leaves the previous file untouched and no temp file behind.
pub struct Output {
    /// The path as the user gave it, for messages (`None`: standard output).
    shown: Option<PathBuf>,
    w: BufWriter<Box<dyn Write>>,
    target: Target,
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output {
            shown: None,
            w: BufWriter::new(Box::new(std::io::stdout().lock())),
            target: Target::Stdout,
        }
    }

    /// The output `path` (`None` or `-`: standard output) of a command that reads `inputs`
    /// (files or directories; `-` is stdin). Checked and opened before any input is read, so
    /// a refused or unwritable output costs nothing.
    pub fn create(path: Option<&Path>, inputs: &[&Path]) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::stdout());
        };
        let shown = path.to_path_buf();
        let dest = resolve(path).with_context(|| format!("cannot write {}", path.display()))?;
        let meta = match std::fs::metadata(&dest) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
        };
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            bail!("cannot write {}: it is a directory", path.display());
        }
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&dest)
                .with_context(|| format!("cannot write {}", path.display()))?;
            return Ok(Output {
                shown: Some(shown),
                w: BufWriter::new(Box::new(file)),
                target: Target::Direct,
            });
        }
        refuse_inputs(path, &dest, meta.as_ref(), inputs)?;
        let dir = dest.parent().unwrap_or(Path::new("."));
        install_cleanup();
        let tmp = tempfile::Builder::new()
            .prefix(".silkgraph-")
            .tempfile_in(dir)
            .with_context(|| {
                format!(
                    "cannot write {}: no temp file in {}",
                    path.display(),
                    dir.display()
                )
            })?;
        let (file, tmp) = tmp.into_parts();
        register(&tmp);
        // A temp file is private (0600); the output gets the permissions of the file it
        // replaces, else those of a new file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta
                .as_ref()
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o644);
            file.set_permissions(std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let writer = file
            .try_clone()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Output {
            shown: Some(shown),
            w: BufWriter::with_capacity(1 << 16, Box::new(writer)),
            target: Target::Atomic { dest, tmp, file },
        })
    }

    /// Standard output (for colour decisions and the summary line).
    pub fn is_stdout(&self) -> bool {
        matches!(self.target, Target::Stdout)
    }

    /// Whether this is a regular file (its extension then names the format).
    pub fn is_file(&self) -> bool {
        matches!(self.target, Target::Atomic { .. })
    }

    /// The path as given (`None`: standard output).
    pub fn path(&self) -> Option<&Path> {
        self.shown.as_deref()
    }

    fn name(&self) -> String {
        match &self.shown {
            Some(p) => p.display().to_string(),
            None => "standard output".into(),
        }
    }

    fn err(&self, e: std::io::Error) -> std::io::Error {
        // Keep the kind: a broken pipe is told apart in `main`.
        std::io::Error::new(e.kind(), format!("cannot write {}: {e}", self.name()))
    }

    /// Flush everything; a file is synced and renamed into place. Every error counts.
    pub fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(|e| self.err(e))?;
        let name = self.name();
        // Taken out, so `Drop` has nothing left to do.
        match std::mem::replace(&mut self.target, Target::Stdout) {
            Target::Stdout | Target::Direct => Ok(()),
            Target::Atomic { dest, tmp, file } => {
                // Errors a write buffered in the kernel would only meet later show here.
                file.sync_all()
                    .with_context(|| format!("cannot write {name}"))?;
                drop(file);
                let at = tmp.to_path_buf();
                tmp.persist(&dest)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {name}"))?;
                unregister(&at);
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf).map_err(|e| self.err(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf).map_err(|e| self.err(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush().map_err(|e| self.err(e))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Target::Atomic { tmp, .. } = &self.target {
            unregister(tmp);
        }
    }
}

/// `path` with every symbolic link along its last component followed (a dangling link
/// gives its target) and its directory made absolute.
fn resolve(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => {
                let name = p
                    .file_name()
                    .ok_or_else(|| anyhow!("{} names no file", p.display()))?;
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                let dir = std::fs::canonicalize(dir)
                    .with_context(|| format!("no directory {}", dir.display()))?;
                return Ok(dir.join(name));
            }
        }
    }
    bail!("too many levels of symbolic links")
}

/// Refuse an output that would overwrite an input, or be read as corpus by the next run.
fn refuse_inputs(
    shown: &Path,
    dest: &Path,
    meta: Option<&std::fs::Metadata>,
    inputs: &[&Path],
) -> Result<()> {
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(im) = std::fs::metadata(input) else {
            continue;
        };
        if im.is_dir() {
            let Ok(dir) = std::fs::canonicalize(input) else {
                continue;
            };
            let hidden = dest
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if dest.starts_with(&dir) && is_corpus_file_name(dest) && !hidden {
                bail!(
                    "refusing to write {}: it is inside the input directory {} and would be \
                     read as corpus on the next run (write it elsewhere, or use an extension \
                     the corpus walk skips)",
                    shown.display(),
                    input.display()
                );
            }
        } else if meta.is_some_and(|m| same_file(m, &im)) {
            bail!(
                "refusing to write {}: it is also an input ({})",
                shown.display(),
                input.display()
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Temp files to remove if the process is told to stop.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(p: &Path) {
    TEMPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(p.to_path_buf());
}

fn unregister(p: &Path) {
    TEMPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|t| t != p);
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temp files, then die of the signal as the
/// default action would (the exit status still says which signal). Installed when the
/// first temp file is made, so runs that write none keep the default handling.
fn install_cleanup() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    for p in TEMPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                        let _ = std::fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
        }
    });
}
