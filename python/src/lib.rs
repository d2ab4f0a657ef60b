//! `silkgraph._silkgraph`: the Python bindings. Thin on purpose: every rule lives in the
//! silkgraph library; this file converts arguments, releases the GIL around the work and turns
//! library errors into Python exceptions carrying the CLI's messages.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyImportError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use silkgraph::corpus::{self, Document, Source};
use silkgraph::export::{self, ExportOptions, Format};
use silkgraph::gazetteer::EntityType;
use silkgraph::graph::KnowledgeGraph;
use silkgraph::pipeline::{ExtractOptions, GazetteerConfig, Pipeline, RelationMode};
use silkgraph::query::{self, Direction, NeighborQuery};

/// The exception for `err`, with the message the CLI prints after `silkgraph: error: `
/// (`context: error: cause: ...`). A file that cannot be read raises `silkgraph.InputError`
/// (an `OSError`), anything else `silkgraph.DataError` (a `ValueError`); both are
/// `silkgraph.Error`.
fn py_err(py: Python<'_>, context: &str, err: &silkgraph::Error) -> PyErr {
    let mut msg = if context.is_empty() {
        err.to_string()
    } else {
        format!("{context}: {err}")
    };
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let class = match err {
        silkgraph::Error::Io { .. } => "InputError",
        _ => "DataError",
    };
    raise(py, class, msg)
}

/// `silkgraph._errors.<class>(msg)` as a `PyErr` (the classes are defined in Python, so they
/// can inherit from both `silkgraph.Error` and `OSError`/`ValueError`).
fn raise(py: Python<'_>, class: &str, msg: String) -> PyErr {
    let made = py
        .import("silkgraph._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((msg.clone(),)));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

fn value_error(py: Python<'_>, msg: impl Into<String>) -> PyErr {
    raise(py, "DataError", msg.into())
}

/// A value of a clap enum from its CLI spelling (`"all"`, `"graphml"`), or a ValueError
/// listing the accepted ones.
fn parse_enum<T: clap::ValueEnum>(py: Python<'_>, what: &str, s: &str) -> PyResult<T> {
    T::from_str(s, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        value_error(
            py,
            format!("invalid {what} {s:?}: expected one of {}", names.join(", ")),
        )
    })
}

/// Loaded gazetteer and rules, ready to extract many corpora.
#[pyclass(module = "silkgraph", frozen)]
struct Extractor {
    pipeline: Arc<Pipeline>,
    options: ExtractOptions,
    /// `threads=N`: a pool of its own; None: rayon's global pool (all cores), as the CLI.
    pool: Option<rayon::ThreadPool>,
}

/// What the iterable given to `extract` holds, in order.
enum Input {
    Texts(Vec<Document>),
    Path(PathBuf),
}

fn paths_of(ob: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if ob.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(p) = ob.extract::<PathBuf>() {
        return Ok(vec![p]);
    }
    ob.try_iter()?.map(|p| p?.extract::<PathBuf>()).collect()
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (gazetteer=None, relations="all", *, no_default_gazetteer=false,
        min_weight=1, max_evidence=silkgraph::graph::DEFAULT_MAX_EVIDENCE,
        part_bytes=corpus::PART_BYTES, keep_isolated=false, mergeable=false, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        gazetteer: Option<&Bound<'_, PyAny>>,
        relations: &str,
        no_default_gazetteer: bool,
        min_weight: u64,
        max_evidence: usize,
        part_bytes: usize,
        keep_isolated: bool,
        mergeable: bool,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        let relations: RelationMode = parse_enum(py, "relations", relations)?;
        // The CLI's ranges (clap checks them there).
        if max_evidence == 0 {
            return Err(value_error(py, "max_evidence must be at least 1"));
        }
        if !(1024..=1 << 30).contains(&part_bytes) {
            return Err(value_error(py, "part_bytes must be 1024 to 1073741824"));
        }
        let pool = match threads {
            None => None,
            Some(n @ 1..=256) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| {
                        value_error(py, format!("cannot start the worker threads: {e}"))
                    })?,
            ),
            Some(n) => {
                return Err(value_error(
                    py,
                    format!("threads must be 1 to 256, not {n}"),
                ))
            }
        };
        let config = GazetteerConfig {
            dirs: match gazetteer {
                Some(g) => paths_of(g)?,
                None => Vec::new(),
            },
            no_default: no_default_gazetteer,
        };
        let pipeline = py
            .detach(|| Pipeline::load(&config))
            .map_err(|e| py_err(py, "cannot load the gazetteer", &e))?;
        Ok(Extractor {
            pipeline: Arc::new(pipeline),
            options: ExtractOptions {
                relations,
                min_weight,
                part_bytes: Some(part_bytes),
                max_evidence: Some(max_evidence),
                keep_isolated,
                mergeable,
                // Date windows and file-name dates are CLI options the package does not
                // take yet; texts handed over from Python are undated.
                ..Default::default()
            },
            pool,
        })
    }

    /// Extract the graph of `texts`: strings (ids "0", "1", ... by position), `(id, text)`
    /// pairs, or paths (`os.PathLike`: files and directories, read as the CLI reads them).
    fn extract(&self, py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Graph> {
        let path_like = py.import("os")?.getattr("PathLike")?;
        // A lone str would iterate as one-character texts, and bytes as numbers.
        if texts.is_instance_of::<PyString>() || texts.is_instance_of::<pyo3::types::PyBytes>() {
            return Err(PyTypeError::new_err(
                "texts must be an iterable of texts, (id, text) pairs or paths, not a single str \
                 or bytes: pass [text]",
            ));
        }
        let one_path;
        let texts = if texts.is_instance(&path_like)? {
            one_path = PyTuple::new(py, [texts])?;
            one_path.as_any()
        } else {
            texts
        };
        let mut inputs: Vec<Input> = Vec::new();
        for (i, item) in texts.try_iter()?.enumerate() {
            let item = item?;
            let doc = if let Ok(s) = item.cast::<PyString>() {
                Document::new(i.to_string(), s.to_cow()?.into_owned())
            } else if let Ok(t) = item.cast::<PyTuple>() {
                if t.len() != 2 {
                    return Err(PyTypeError::new_err(format!(
                        "item {i}: a tuple must be (id, text), not {} items",
                        t.len()
                    )));
                }
                let (id, text) = (t.get_item(0)?, t.get_item(1)?);
                let Ok(text) = text.cast::<PyString>() else {
                    return Err(PyTypeError::new_err(format!(
                        "item {i}: the text of an (id, text) pair must be a str, not {}",
                        text.get_type().name()?
                    )));
                };
                // An id as JSONL gives it: a string as it is, anything else its JSON/str.
                let id = match id.cast::<PyString>() {
                    Ok(s) => s.to_cow()?.into_owned(),
                    Err(_) => id.str()?.to_cow()?.into_owned(),
                };
                Document::new(id, text.to_cow()?.into_owned())
            } else if item.is_instance(&path_like)? {
                inputs.push(Input::Path(item.extract()?));
                continue;
            } else {
                return Err(PyTypeError::new_err(format!(
                    "item {i}: expected a str, an (id, text) tuple or an os.PathLike, not {}",
                    item.get_type().name()?
                )));
            };
            match inputs.last_mut() {
                Some(Input::Texts(docs)) => docs.push(doc),
                _ => inputs.push(Input::Texts(vec![doc])),
            }
        }
        let mut warnings = Vec::new();
        let run =
            || -> Result<(KnowledgeGraph, u64, Vec<corpus::Skipped>), (&str, silkgraph::Error)> {
                let mut sources = Vec::new();
                let mut skipped = Vec::new();
                for input in inputs {
                    match input {
                        Input::Texts(docs) => sources.push(Source::Memory {
                            name: "<texts>".into(),
                            docs: Arc::new(docs),
                        }),
                        Input::Path(p) => {
                            let (s, k) = corpus::collect_sources_reporting(&[p])
                                .map_err(|e| ("cannot read the corpus", e))?;
                            sources.extend(s);
                            skipped.extend(k);
                        }
                    }
                }
                let mut extract = || {
                    self.pipeline.extract(
                        &sources,
                        &self.options,
                        |w| warnings.push(w.to_string()),
                        |_| {},
                    )
                };
                let (g, report) = match &self.pool {
                    Some(pool) => pool.install(extract),
                    None => extract(),
                }
                .map_err(|e| ("extraction failed", e))?;
                let read = !sources.is_empty();
                if report.documents == 0 {
                    return Err((
                        "",
                        silkgraph::Error::Invalid(corpus::no_document_message(&skipped, read)),
                    ));
                }
                Ok((g, report.documents, skipped))
            };
        let result = py.detach(run);
        // Warnings reach Python's warnings module, as the CLI prints them on stderr.
        if !warnings.is_empty() {
            let warn = py.import("warnings")?.getattr("warn")?;
            let category = py.import("silkgraph._errors")?.getattr("ExtractWarning")?;
            for w in warnings {
                warn.call1((w, &category))?;
            }
        }
        match result {
            Ok((g, _, _)) => Ok(Graph { g }),
            Err((context, e)) => Err(py_err(py, context, &e)),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Extractor(relations={:?}, entities={})",
            self.options.relations.as_str(),
            self.pipeline.gazetteer.entities.len()
        )
    }
}

/// A knowledge graph: nodes (entities), typed edges, weights and evidence.
#[pyclass(module = "silkgraph", frozen)]
struct Graph {
    g: KnowledgeGraph,
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.getattr("loads")?.call1((text,))
}

fn import_for<'py>(py: Python<'py>, module: &str, what: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        PyImportError::new_err(format!(
            "Graph.{what}() needs {module}: pip install {module}"
        ))
    })
}

#[pymethods]
impl Graph {
    /// The JSON snapshot (networkx node-link), byte for byte what `extract -o x.json` writes.
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| export::render(&self.g, Format::Json, &ExportOptions::default()))
    }

    /// A graph from a JSON snapshot (`to_json()` or `extract -o x.json`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Graph> {
        py.detach(|| export::from_json(std::path::Path::new("<json>"), text))
            .map(|g| Graph { g })
            .map_err(|e| py_err(py, "cannot load the graph", &e))
    }

    /// A graph from a file `extract` wrote: JSON snapshot, GraphML or GEXF.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Graph> {
        py.detach(|| export::load_graph(&path))
            .map(|g| Graph { g })
            .map_err(|e| py_err(py, &format!("cannot load the graph {}", path.display()), &e))
    }

    /// Write the graph to `path` (atomically) in `format` (graphml, gexf, dot, json, csv),
    /// by default told from the extension as `extract -o` does. Returns the files written.
    #[pyo3(signature = (path, format=None, *, mixed_directions=false))]
    fn write(
        &self,
        py: Python<'_>,
        path: PathBuf,
        format: Option<&str>,
        mixed_directions: bool,
    ) -> PyResult<Vec<PathBuf>> {
        let format: Format = match format {
            Some(f) => parse_enum(py, "format", f)?,
            None => Format::from_path(&path).ok_or_else(|| {
                value_error(
                    py,
                    format!(
                        "cannot tell the output format of {} from its extension: name the file \
                         .graphml, .gexf, .dot, .json or .csv, or give format=",
                        path.display()
                    ),
                )
            })?,
        };
        let opts = ExportOptions { mixed_directions };
        py.detach(|| export::write_file(&self.g, format, &opts, &path))
            .map_err(|e| py_err(py, "", &e))
    }

    /// Counts, the top actors by weighted degree and the strongest typed edges (as
    /// `silkgraph stats --format json`).
    #[pyo3(signature = (top=10))]
    fn stats<'py>(&self, py: Python<'py>, top: usize) -> PyResult<Bound<'py, PyAny>> {
        let s = query::stats(&self.g, top);
        json_loads(py, &serde_json::to_string(&s).expect("stats serialise"))
    }

    /// The neighbors of the entity `name` (an id, label or alias, any case), strongest first
    /// at each depth, as `silkgraph neighbors --format json` lists them.
    #[pyo3(signature = (name, relation=None, *, direction="both", depth=1, min_weight=1, types=None))]
    #[allow(clippy::too_many_arguments)]
    fn neighbors<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        relation: Option<&Bound<'py, PyAny>>,
        direction: &str,
        depth: usize,
        min_weight: u64,
        types: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let direction: Direction = parse_enum(py, "direction", direction)?;
        if !(1..=64).contains(&depth) {
            return Err(value_error(py, "depth must be 1 to 64"));
        }
        let relations: Vec<String> = match relation {
            None => Vec::new(),
            Some(r) => match r.extract::<String>() {
                Ok(one) => vec![one],
                Err(_) => r.extract()?,
            },
        };
        let known = self.g.relations();
        for r in &relations {
            if !known.contains(r.as_str()) && r != silkgraph::graph::CO_OCCURS_WITH {
                return Err(value_error(
                    py,
                    format!(
                        "unknown relation {r:?}; the graph has: {}",
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        let types = types
            .unwrap_or_default()
            .iter()
            .map(|t| {
                EntityType::parse(t).ok_or_else(|| value_error(py, format!("unknown type {t:?}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let id = query::resolve_entity(&self.g, None, name).map_err(|e| py_err(py, "", &e))?;
        let rows = query::neighbors(
            &self.g,
            &id,
            &NeighborQuery {
                relations,
                direction,
                depth,
                min_weight,
                types,
            },
        );
        json_loads(py, &serde_json::to_string(&rows).expect("rows serialise"))
    }

    /// What changed from this graph to `other` (as `silkgraph diff --format json`).
    #[pyo3(signature = (other, *, names=("old".to_string(), "new".to_string())))]
    fn diff<'py>(
        &self,
        py: Python<'py>,
        other: &Graph,
        names: (String, String),
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = silkgraph::diff::diff(&self.g, &other.g, &names.0, &names.1);
        json_loads(py, &serde_json::to_string(&d).expect("diff serialises"))
    }

    /// A networkx MultiDiGraph keyed by relation, with every node and edge attribute
    /// (evidence included) and the run's counts as graph attributes.
    fn to_networkx<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let nx = import_for(py, "networkx", "to_networkx")?;
        let data = json_loads(py, &self.to_json(py))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("edges", "edges")?;
        match nx.getattr("node_link_graph")?.call((&data,), Some(&kwargs)) {
            Ok(g) => Ok(g),
            // networkx before 3.4 names the key `link`.
            Err(_) => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("link", "edges")?;
                nx.getattr("node_link_graph")?.call((&data,), Some(&kwargs))
            }
        }
    }

    /// The nodes as a pandas DataFrame, one row per node, every attribute a column.
    fn nodes_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "nodes", "nodes_frame")
    }

    /// The edges as a pandas DataFrame, one row per edge (`key` is the relation).
    fn edges_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "edges", "edges_frame")
    }

    /// The merge of this graph and `other` (both extracted with `mergeable=True`, with the
    /// same gazetteer, rules and options), mergeable again: see `silkgraph.merge`.
    fn merge(&self, py: Python<'_>, other: &Graph) -> PyResult<Graph> {
        merge_graphs(py, vec![self, other])
    }

    /// The plain graph of a mergeable one (as `silkgraph merge` writes without
    /// --mergeable): the merge keys dropped, --min-weight and the typed node filter applied.
    /// A graph that is not mergeable is returned as it is.
    fn finish(&self, py: Python<'_>) -> Graph {
        let mut g = py.detach(|| self.g.clone());
        silkgraph::merge::finish(&mut g);
        Graph { g }
    }

    /// Whether the graph holds the keys an exact merge needs.
    #[getter]
    fn mergeable(&self) -> bool {
        self.g.merge_keys.is_some()
    }

    #[getter]
    fn node_count(&self) -> usize {
        self.g.node_count()
    }

    #[getter]
    fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    fn __len__(&self) -> usize {
        self.g.node_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "<silkgraph.Graph: {} documents, {} nodes, {} edges>",
            self.g.meta.documents,
            self.g.node_count(),
            self.g.edge_count()
        )
    }
}

impl Graph {
    fn frame<'py>(&self, py: Python<'py>, table: &str, what: &str) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_for(py, "pandas", what)?;
        let data = json_loads(py, &self.to_json(py))?;
        pd.getattr("DataFrame")?.call1((data.get_item(table)?,))
    }
}

fn merge_graphs(py: Python<'_>, graphs: Vec<&Graph>) -> PyResult<Graph> {
    py.detach(|| {
        let mut m = silkgraph::merge::Merger::default();
        for g in graphs {
            m.add(g.g.clone())?;
        }
        m.finish()
    })
    .map(|g| Graph { g })
    .map_err(|e| py_err(py, "cannot merge", &e))
}

/// Merge graphs extracted with `mergeable=True` from disjoint parts of a corpus into the graph
/// of the whole (mergeable again; `.finish()` gives what `extract` gives for the whole
/// corpus). Associative and commutative: any order and grouping gives the same graph.
#[pyfunction]
fn merge(py: Python<'_>, graphs: &Bound<'_, PyAny>) -> PyResult<Graph> {
    let graphs: Vec<PyRef<'_, Graph>> = graphs
        .try_iter()?
        .map(|g| g?.extract::<PyRef<'_, Graph>>().map_err(PyErr::from))
        .collect::<PyResult<_>>()?;
    merge_graphs(py, graphs.iter().map(|g| &**g).collect())
}

#[pymodule]
fn _silkgraph(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_class::<Graph>()?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add(
        "DEFAULT_MAX_EVIDENCE",
        silkgraph::graph::DEFAULT_MAX_EVIDENCE,
    )?;
    m.add("PART_BYTES", corpus::PART_BYTES)?;
    Ok(())
}
