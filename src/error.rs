//! Library errors. Every variant that comes from an input names the file (and the line where
//! one is known), so the CLI can print one clear line and exit with code 2.

use std::path::PathBuf;

/// Errors of the silkgraph library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A gazetteer or rule file is invalid; `line` is 1-based.
    #[error("{file}:{line}: {message}")]
    Data {
        file: String,
        line: usize,
        message: String,
    },
    /// Several data errors found in one load; all are reported at once.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    DataErrors(Vec<Error>),
    /// An input path cannot be read. The cause is the error's source (printed by the CLI's
    /// error chain), so it is not repeated in the message.
    #[error("{}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A JSON snapshot cannot be parsed.
    #[error("{path}: not a silkgraph JSON snapshot: {message}")]
    Snapshot { path: PathBuf, message: String },
    /// A GraphML or GEXF file cannot be read as a silkgraph graph.
    #[error("{}: cannot read it as a graph written by silkgraph: {message}", .path.display())]
    GraphFile { path: PathBuf, message: String },
    /// Anything else the caller asked for that cannot be done.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub(crate) fn data(file: &str, line: usize, message: impl Into<String>) -> Self {
        Error::Data {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line number of a byte offset in `src`.
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    memchr::memchr_iter(b'\n', &src.as_bytes()[..end]).count() + 1
}

/// Line numbers of many offsets in one text: the newline positions are found once.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(src: &str) -> Self {
        LineIndex {
            newlines: memchr::memchr_iter(b'\n', src.as_bytes()).collect(),
        }
    }

    /// 1-based line of byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}
