//! Readers for the GraphML and GEXF files silkgraph writes, so `neighbors`, `stats` and
//! `diff` take them as they take a JSON snapshot and return the same [`KnowledgeGraph`].
//!
//! Values are found by attribute *name* (GraphML `attr.name`, GEXF `title`), so keys added
//! later (or by `diff`'s decoration) are ignored rather than refused. What these formats do
//! not carry, the graph read back does not have: evidence entries keep document, sentence
//! and byte span but not the sentence text, rule or resolution of the JSON snapshot.
//!
//! The documents are read as a stream (quick-xml); anything that is not a graph silkgraph
//! wrote is refused with a message naming the file and what is missing.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::dates::{Date, DateCounts};
use crate::error::{Error, Result};
use crate::gazetteer::EntityType;
use crate::graph::{Edge, Evidence, KnowledgeGraph, Node, Status};

/// The kinds of graph file `load_graph` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFile {
    Json,
    /// GraphML or GEXF, told apart by the root element.
    Xml,
}

impl GraphFile {
    /// The kind a path's extension names (`.json`, `.graphml`, `.gexf`, `.xml`).
    pub fn from_path(path: &Path) -> Option<GraphFile> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(GraphFile::Json),
            "graphml" | "gexf" | "xml" => Some(GraphFile::Xml),
            _ => None,
        }
    }
}

/// Load a graph file silkgraph wrote: a JSON snapshot, GraphML or GEXF (by extension; an
/// XML file by its root element).
pub fn load_graph(path: &Path) -> Result<KnowledgeGraph> {
    match GraphFile::from_path(path) {
        Some(GraphFile::Json) => super::load_snapshot(path),
        _ => {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            read_xml(path, std::io::BufReader::with_capacity(1 << 16, file))
        }
    }
}

/// Read GraphML or GEXF from `input`; `path` names it in errors.
pub fn read_xml(path: &Path, input: impl BufRead) -> Result<KnowledgeGraph> {
    let mut x = Xml::new(path, input);
    loop {
        match x.next()? {
            Ev::Open(name, attrs) => {
                return match name.as_str() {
                    "graphml" => Graphml::default().read(&mut x),
                    "gexf" => Gexf::default().read(&mut x, &attrs),
                    other => Err(x.error(format!(
                        "the root element is <{other}>, not <graphml> or <gexf>: not a graph file silkgraph can read"
                    ))),
                };
            }
            Ev::Text(t) if !t.trim().is_empty() => {
                return Err(x.error("text before the root element: not an XML graph file"))
            }
            Ev::Eof => return Err(x.error("no root element: not an XML graph file")),
            _ => {}
        }
    }
}

// ------------------------------------------------------------------------ XML events

/// The events the readers need: elements by local name with unescaped attributes, and
/// text with references resolved.
enum Ev {
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
    Eof,
}

struct Xml<'p, R> {
    path: &'p Path,
    reader: Reader<R>,
    buf: Vec<u8>,
    /// The closing event of an empty element, returned next.
    pending_close: Option<String>,
}

impl<'p, R: BufRead> Xml<'p, R> {
    fn new(path: &'p Path, input: R) -> Self {
        Xml {
            path,
            reader: Reader::from_reader(input),
            buf: Vec::with_capacity(4096),
            pending_close: None,
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::GraphFile {
            path: self.path.to_path_buf(),
            message: format!("byte {}: {}", self.reader.buffer_position(), message.into()),
        }
    }

    fn next(&mut self) -> Result<Ev> {
        if let Some(name) = self.pending_close.take() {
            return Ok(Ev::Close(name));
        }
        self.buf.clear();
        let ev = match self.reader.read_event_into(&mut self.buf) {
            Ok(ev) => ev,
            Err(e) => {
                let msg = format!("not well-formed XML: {e}");
                return Err(self.error(msg));
            }
        };
        let bad = |e: &dyn std::fmt::Display| format!("invalid text: {e}");
        Ok(match ev {
            Event::Start(s) => {
                let (name, attrs) = element(&s).map_err(|m| self.error(m))?;
                Ev::Open(name, attrs)
            }
            Event::Empty(s) => {
                let (name, attrs) = element(&s).map_err(|m| self.error(m))?;
                self.pending_close = Some(name.clone());
                Ev::Open(name, attrs)
            }
            Event::End(e) => Ev::Close(local(e.name().as_ref())),
            Event::Text(t) => match t.xml10_content() {
                Ok(s) => Ev::Text(s.into_owned()),
                Err(e) => {
                    let m = bad(&e);
                    return Err(self.error(m));
                }
            },
            Event::CData(t) => match t.decode() {
                Ok(s) => Ev::Text(s.into_owned()),
                Err(e) => {
                    let m = bad(&e);
                    return Err(self.error(m));
                }
            },
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => r.decode().ok().and_then(|name| {
                        quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string)
                    }),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => Ev::Text(s),
                    None => {
                        let m = format!(
                            "unknown reference &{};",
                            String::from_utf8_lossy(r.as_ref())
                        );
                        return Err(self.error(m));
                    }
                }
            }
            Event::Eof => Ev::Eof,
            // Declarations, comments, processing instructions, doctype: nothing to read.
            _ => Ev::Text(String::new()),
        })
    }

    /// The text of the current element up to its end tag (which is consumed); child
    /// elements are refused.
    fn text_until_close(&mut self, name: &str) -> Result<String> {
        let mut out = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::Close(n) if n == name => return Ok(out),
                Ev::Open(n, _) => {
                    return Err(self.error(format!("unexpected <{n}> inside <{name}>")))
                }
                Ev::Close(n) => return Err(self.error(format!("unexpected </{n}>"))),
                Ev::Eof => return Err(self.error(format!("the file ends inside <{name}>"))),
            }
        }
    }

    /// Skip the rest of the element `name` (its children included).
    fn skip(&mut self, name: &str) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Ev::Open(n, _) if n == name => depth += 1,
                Ev::Close(n) if n == name => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                Ev::Eof => return Err(self.error(format!("the file ends inside <{name}>"))),
                _ => {}
            }
        }
    }
}

fn local(qname: &[u8]) -> String {
    let l = match qname.iter().position(|&b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    };
    String::from_utf8_lossy(l).into_owned()
}

type Element = (String, Vec<(String, String)>);

fn element(s: &quick_xml::events::BytesStart) -> std::result::Result<Element, String> {
    let name = local(s.name().as_ref());
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad value of {key} in <{name}>: {e}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok((name, attrs))
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

// ------------------------------------------------------------------- shared building

/// Named values of one node or edge, as read.
type Values = HashMap<String, String>;

/// Builds the graph from nodes and edges as they are read; checks what the JSON loader
/// checks and what a hand-edited XML file can break.
#[derive(Default)]
struct Builder {
    graph: Option<KnowledgeGraph>,
    /// Document ids are shared by every evidence entry of a document.
    docs: HashMap<String, Arc<String>>,
}

impl Builder {
    fn graph(&mut self) -> &mut KnowledgeGraph {
        self.graph.get_or_insert_with(KnowledgeGraph::new)
    }

    fn node(&mut self, id: &str, xml_label: Option<&str>, v: &Values) -> Result<(), String> {
        let etype = v.get("type").ok_or_else(|| {
            format!(
                "node {id:?} has no `type` attribute: only graphs written by silkgraph can be read"
            )
        })?;
        let etype = EntityType::parse(etype)
            .ok_or_else(|| format!("node {id:?} has an unknown type {etype:?}"))?;
        let label = v
            .get("label")
            .map(String::as_str)
            .or(xml_label)
            .unwrap_or(id);
        let mut node = Node::new(
            id.to_string(),
            label.to_string(),
            etype,
            count(v, "mentions")?,
            count(v, "documents")?,
            match v.get("source").map(String::as_str) {
                Some("pattern") => crate::graph::NodeSource::Pattern,
                Some("gazetteer") | None => crate::graph::NodeSource::Gazetteer,
                Some(other) => return Err(format!("node {id:?} has an unknown source {other:?}")),
            },
            list(v.get("aliases")).map(str::to_string).collect(),
        );
        (node.first_seen, node.last_seen, node.dates) =
            time_values(v).map_err(|m| format!("node {id:?}: {m}"))?;
        let g = self.graph();
        if g.node_index(id).is_some() {
            return Err(format!("node {id:?} appears twice"));
        }
        g.insert_node(node);
        Ok(())
    }

    /// `relation_attr`: the relation the element itself names (GraphML's Gephi `label`,
    /// GEXF `kind`); `undirected`: the element is an undirected edge.
    fn edge(
        &mut self,
        source: &str,
        target: &str,
        relation_attr: Option<&str>,
        undirected: bool,
        weight_attr: Option<&str>,
        v: &Values,
    ) -> Result<(), String> {
        let relation = v
            .get("relation")
            .map(String::as_str)
            .or(relation_attr)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| format!("edge {source} -> {target} has no relation"))?
            .to_string();
        let symmetric = match v.get("symmetric") {
            Some(s) => boolean(s).ok_or_else(|| format!("symmetric = {s:?} is not a boolean"))?,
            None => undirected,
        };
        let weight = match v.get("weight").map(String::as_str).or(weight_attr) {
            Some(w) => whole(w).ok_or_else(|| {
                format!("edge {source} -> {target}: weight {w:?} is not a whole number")
            })?,
            None => 1,
        };
        let status = match v.get("status") {
            Some(s) => Some(Status::parse(s).ok_or_else(|| format!("unknown status {s:?}"))?),
            None => None,
        };
        let weapons = list(v.get("weapons")).map(str::to_string).collect();
        let years = list(v.get("years"))
            .map(|y| y.parse::<u16>().map_err(|_| format!("year {y:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let inferred = match v.get("inferred") {
            Some(s) => boolean(s).ok_or_else(|| format!("inferred = {s:?} is not a boolean"))?,
            None => false,
        };
        let evidence = match v.get("evidence") {
            Some(s) => self.evidence(s)?,
            None => Vec::new(),
        };
        // Symmetric edges are stored with the smaller id as source.
        let (source, target) = if symmetric && target < source {
            (target, source)
        } else {
            (source, target)
        };
        // GraphML and GEXF list the kept entries; `evidence_count` is the total.
        let evidence_omitted = match v.get("evidence_count") {
            Some(s) => s
                .parse::<u64>()
                .map_err(|_| format!("evidence_count {s:?}"))?
                .saturating_sub(evidence.len() as u64),
            None => 0,
        };
        let mut edge = Edge::from_parts(
            source.to_string(),
            target.to_string(),
            relation,
            symmetric,
            weight,
            evidence,
            evidence_omitted,
            crate::graph::EdgeFacts {
                weapons,
                status,
                years,
                inferred,
            },
        );
        let (first, last, dates) =
            time_values(v).map_err(|m| format!("edge {source} -> {target}: {m}"))?;
        edge.set_time(first, last, dates);
        let g = self.graph();
        if g.edge(source, &edge.relation, target).is_some() {
            return Err(format!(
                "edge {source} -[{}]-> {target} appears twice",
                edge.relation
            ));
        }
        let relation = edge.relation.clone();
        g.insert_edge(edge).ok_or_else(|| {
            format!("edge {source} -[{relation}]-> {target} names a node that is not in the file")
        })?;
        Ok(())
    }

    /// `doc#sentence@start-end` entries joined by `; `. A document id may itself hold `; `:
    /// pieces are joined until they end like an entry.
    fn evidence(&mut self, s: &str) -> Result<Vec<Evidence>, String> {
        let mut out = Vec::new();
        let mut entry = String::new();
        for piece in s.split("; ") {
            if !entry.is_empty() {
                entry.push_str("; ");
            }
            entry.push_str(piece);
            if let Some((doc, sentence, start, end, date)) = evidence_entry(&entry) {
                let doc = match self.docs.get(doc) {
                    Some(d) => d.clone(),
                    None => {
                        let d = Arc::new(doc.to_string());
                        self.docs.insert(doc.to_string(), d.clone());
                        d
                    }
                };
                out.push(Evidence::new(doc, sentence, start, end).with_date(date));
                entry.clear();
            }
        }
        if !entry.trim().is_empty() {
            return Err(format!(
                "evidence {entry:?} is not `document#sentence@start-end`"
            ));
        }
        Ok(out)
    }

    fn finish(mut self, meta: Option<crate::graph::GraphMeta>) -> KnowledgeGraph {
        let g = self.graph();
        if let Some(m) = meta {
            g.meta = m;
        }
        g.normalise();
        self.graph.take().unwrap_or_default()
    }
}

/// `doc#sentence@start-end`, with `@DATE` after it in a dated graph.
#[allow(clippy::type_complexity)]
fn evidence_entry(s: &str) -> Option<(&str, usize, usize, usize, Option<Date>)> {
    let (doc, rest) = s.rsplit_once('#')?;
    let (sentence, span) = rest.split_once('@')?;
    let (span, date) = match span.split_once('@') {
        Some((span, d)) => (
            span,
            Some(crate::dates::parse_date(d).filter(|_| d.len() == 10)?),
        ),
        None => (span, None),
    };
    let (start, end) = span.split_once('-')?;
    let num = |x: &str| {
        (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    Some((doc, num(sentence)?, num(start)?, num(end)?, date))
}

/// `first_seen`, `last_seen` and `dates` of a node or edge (all absent in an undated graph).
fn time_values(v: &Values) -> Result<(Option<Date>, Option<Date>, DateCounts), String> {
    let date = |key: &str| -> Result<Option<Date>, String> {
        match v.get(key) {
            None => Ok(None),
            Some(s) => crate::dates::parse_date(s)
                .filter(|_| s.len() == 10)
                .map(Some)
                .ok_or_else(|| format!("{key} {s:?} is not a YYYY-MM-DD date")),
        }
    };
    let dates = match v.get("dates") {
        None => DateCounts::new(),
        Some(s) => crate::dates::parse_counts(s)
            .ok_or_else(|| format!("dates {s:?} is not `YYYY-MM-DD:N; ...`"))?,
    };
    Ok((date("first_seen")?, date("last_seen")?, dates))
}

fn list(v: Option<&String>) -> impl Iterator<Item = &str> {
    v.into_iter()
        .flat_map(|s| s.split("; "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn boolean(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A non-negative whole number, written `3` or `3.0`.
fn whole(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    let f: f64 = s.parse().ok()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64).then_some(f as u64)
}

fn count(v: &Values, key: &str) -> Result<u64, String> {
    match v.get(key) {
        Some(s) => whole(s).ok_or_else(|| format!("{key} = {s:?} is not a whole number")),
        None => Ok(0),
    }
}

/// The snapshot's corpus facts from named values; `None` when none is present.
fn meta(v: &Values) -> Result<Option<crate::graph::GraphMeta>, String> {
    let keys = [
        "generator",
        "schema_version",
        "documents",
        "sentences",
        "duplicate_sentences",
        "skipped_lines",
        "relations",
    ];
    if !keys.iter().any(|k| v.contains_key(*k)) {
        return Ok(None);
    }
    let mut m = KnowledgeGraph::new().meta;
    if let Some(g) = v.get("generator") {
        m.generator = g.clone();
    }
    if v.contains_key("schema_version") {
        m.schema_version = u32::try_from(count(v, "schema_version")?)
            .map_err(|_| "schema_version is too large".to_string())?;
    }
    m.documents = count(v, "documents")?;
    m.sentences = count(v, "sentences")?;
    m.duplicate_sentences = count(v, "duplicate_sentences")?;
    m.skipped_lines = count(v, "skipped_lines")?;
    if let Some(r) = v.get("relations") {
        m.relations = r.clone();
    }
    Ok(Some(m))
}

// --------------------------------------------------------------------------- GraphML

#[derive(Default)]
struct Graphml {
    /// Key id -> attribute name.
    keys: HashMap<String, String>,
    edge_default_undirected: bool,
    graph_values: Values,
    graphs: usize,
}

impl Graphml {
    fn read<R: BufRead>(mut self, x: &mut Xml<R>) -> Result<KnowledgeGraph> {
        let mut b = Builder::default();
        loop {
            match x.next()? {
                Ev::Open(name, attrs) => match name.as_str() {
                    "key" => {
                        let id = attr(&attrs, "id")
                            .ok_or_else(|| x.error("<key> without an id"))?
                            .to_string();
                        let name = attr(&attrs, "attr.name").unwrap_or(&id).to_string();
                        self.keys.insert(id, name);
                        x.skip("key")?;
                    }
                    "graph" => {
                        self.graphs += 1;
                        if self.graphs > 1 {
                            return Err(x.error("more than one <graph>: silkgraph writes one"));
                        }
                        self.edge_default_undirected =
                            attr(&attrs, "edgedefault") == Some("undirected");
                        self.read_graph(x, &mut b)?;
                    }
                    other => x.skip(other)?,
                },
                Ev::Close(n) if n == "graphml" => break,
                Ev::Eof => return Err(x.error("the file ends inside <graphml>")),
                _ => {}
            }
        }
        if self.graphs == 0 {
            return Err(x.error("no <graph> element"));
        }
        let meta = meta(&self.graph_values).map_err(|m| x.error(m))?;
        Ok(b.finish(meta))
    }

    /// The `<data>` children of the current element, until its end tag.
    fn values<R: BufRead>(&self, x: &mut Xml<R>, element: &str) -> Result<Values> {
        let mut v = Values::new();
        loop {
            match x.next()? {
                Ev::Open(n, attrs) if n == "data" => {
                    let key = attr(&attrs, "key")
                        .ok_or_else(|| x.error("<data> without a key"))?
                        .to_string();
                    let name = self
                        .keys
                        .get(&key)
                        .ok_or_else(|| x.error(format!("<data key={key:?}> names no <key>")))?
                        .clone();
                    let text = x.text_until_close("data")?;
                    v.insert(name, text);
                }
                Ev::Open(n, _) if n == "graph" => {
                    return Err(x.error("nested graphs are not silkgraph's"))
                }
                Ev::Open(n, _) => x.skip(&n)?,
                Ev::Close(n) if n == element => return Ok(v),
                Ev::Eof => return Err(x.error(format!("the file ends inside <{element}>"))),
                _ => {}
            }
        }
    }

    fn read_graph<R: BufRead>(&mut self, x: &mut Xml<R>, b: &mut Builder) -> Result<()> {
        loop {
            match x.next()? {
                Ev::Open(n, attrs) => match n.as_str() {
                    "data" => {
                        let key = attr(&attrs, "key").unwrap_or_default().to_string();
                        let name = self.keys.get(&key).cloned().unwrap_or(key);
                        let text = x.text_until_close("data")?;
                        self.graph_values.insert(name, text);
                    }
                    "node" => {
                        let id = attr(&attrs, "id")
                            .ok_or_else(|| x.error("<node> without an id"))?
                            .to_string();
                        let v = self.values(x, "node")?;
                        b.node(&id, None, &v).map_err(|m| x.error(m))?;
                    }
                    "edge" => {
                        let (Some(s), Some(t)) = (attr(&attrs, "source"), attr(&attrs, "target"))
                        else {
                            return Err(x.error("<edge> without source or target"));
                        };
                        let (s, t) = (s.to_string(), t.to_string());
                        let undirected = match attr(&attrs, "directed") {
                            Some(d) => boolean(d) == Some(false),
                            None => self.edge_default_undirected,
                        };
                        let label = attr(&attrs, "label").map(str::to_string);
                        let v = self.values(x, "edge")?;
                        b.edge(&s, &t, label.as_deref(), undirected, None, &v)
                            .map_err(|m| x.error(m))?;
                    }
                    other => x.skip(other)?,
                },
                Ev::Close(n) if n == "graph" => return Ok(()),
                Ev::Eof => return Err(x.error("the file ends inside <graph>")),
                _ => {}
            }
        }
    }
}

// ------------------------------------------------------------------------------ GEXF

#[derive(Default)]
struct Gexf {
    /// (class, attribute id) -> title.
    attributes: HashMap<(String, String), String>,
    default_undirected: bool,
    meta: Values,
    graphs: usize,
}

impl Gexf {
    fn read<R: BufRead>(
        mut self,
        x: &mut Xml<R>,
        root: &[(String, String)],
    ) -> Result<KnowledgeGraph> {
        if let Some(v) = attr(root, "version") {
            if !v.starts_with('1') {
                return Err(x.error(format!("GEXF version {v:?} is not 1.x")));
            }
        }
        let mut b = Builder::default();
        loop {
            match x.next()? {
                Ev::Open(name, attrs) => match name.as_str() {
                    "meta" => self.read_meta(x)?,
                    "graph" => {
                        self.graphs += 1;
                        if self.graphs > 1 {
                            return Err(x.error("more than one <graph>"));
                        }
                        self.default_undirected =
                            attr(&attrs, "defaultedgetype") == Some("undirected");
                        self.read_graph(x, &mut b)?;
                    }
                    other => x.skip(other)?,
                },
                Ev::Close(n) if n == "gexf" => break,
                Ev::Eof => return Err(x.error("the file ends inside <gexf>")),
                _ => {}
            }
        }
        if self.graphs == 0 {
            return Err(x.error("no <graph> element"));
        }
        let meta = meta(&self.meta).map_err(|m| x.error(m))?;
        Ok(b.finish(meta))
    }

    /// `<keywords>` holds `key=value; ...` (see the writer); other metadata is prose.
    fn read_meta<R: BufRead>(&mut self, x: &mut Xml<R>) -> Result<()> {
        loop {
            match x.next()? {
                Ev::Open(n, _) if n == "keywords" => {
                    let text = x.text_until_close("keywords")?;
                    for pair in text.split(';') {
                        if let Some((k, v)) = pair.split_once('=') {
                            self.meta.insert(k.trim().to_string(), v.trim().to_string());
                        }
                    }
                }
                Ev::Open(n, _) => x.skip(&n)?,
                Ev::Close(n) if n == "meta" => return Ok(()),
                Ev::Eof => return Err(x.error("the file ends inside <meta>")),
                _ => {}
            }
        }
    }

    fn read_graph<R: BufRead>(&mut self, x: &mut Xml<R>, b: &mut Builder) -> Result<()> {
        loop {
            match x.next()? {
                Ev::Open(n, attrs) => match n.as_str() {
                    "attributes" => {
                        let class = attr(&attrs, "class").unwrap_or("node").to_string();
                        self.read_attributes(x, &class)?;
                    }
                    "nodes" | "edges" => {}
                    "node" => {
                        let id = attr(&attrs, "id")
                            .ok_or_else(|| x.error("<node> without an id"))?
                            .to_string();
                        let label = attr(&attrs, "label").map(str::to_string);
                        let v = self.values(x, "node")?;
                        b.node(&id, label.as_deref(), &v).map_err(|m| x.error(m))?;
                    }
                    "edge" => {
                        let (Some(s), Some(t)) = (attr(&attrs, "source"), attr(&attrs, "target"))
                        else {
                            return Err(x.error("<edge> without source or target"));
                        };
                        let (s, t) = (s.to_string(), t.to_string());
                        let undirected = match attr(&attrs, "type") {
                            Some(ty) => ty == "undirected",
                            None => self.default_undirected,
                        };
                        let kind = attr(&attrs, "kind")
                            .or(attr(&attrs, "label"))
                            .map(str::to_string);
                        let weight = attr(&attrs, "weight").map(str::to_string);
                        let v = self.values(x, "edge")?;
                        b.edge(&s, &t, kind.as_deref(), undirected, weight.as_deref(), &v)
                            .map_err(|m| x.error(m))?;
                    }
                    other => x.skip(other)?,
                },
                Ev::Close(n) if n == "graph" => return Ok(()),
                Ev::Eof => return Err(x.error("the file ends inside <graph>")),
                _ => {}
            }
        }
    }

    fn read_attributes<R: BufRead>(&mut self, x: &mut Xml<R>, class: &str) -> Result<()> {
        loop {
            match x.next()? {
                Ev::Open(n, attrs) if n == "attribute" => {
                    let id = attr(&attrs, "id")
                        .ok_or_else(|| x.error("<attribute> without an id"))?
                        .to_string();
                    let title = attr(&attrs, "title").unwrap_or(&id).to_string();
                    self.attributes.insert((class.to_string(), id), title);
                    x.skip("attribute")?;
                }
                Ev::Open(n, _) => x.skip(&n)?,
                Ev::Close(n) if n == "attributes" => return Ok(()),
                Ev::Eof => return Err(x.error("the file ends inside <attributes>")),
                _ => {}
            }
        }
    }

    /// The `<attvalue>`s of the current node or edge, until its end tag.
    fn values<R: BufRead>(&self, x: &mut Xml<R>, element: &str) -> Result<Values> {
        let mut v = Values::new();
        loop {
            match x.next()? {
                Ev::Open(n, attrs) if n == "attvalue" => {
                    let id =
                        attr(&attrs, "for").ok_or_else(|| x.error("<attvalue> without `for`"))?;
                    let title = self
                        .attributes
                        .get(&(element.to_string(), id.to_string()))
                        .ok_or_else(|| {
                            x.error(format!(
                                "<attvalue for={id:?}> names no {element} attribute"
                            ))
                        })?
                        .clone();
                    let value = attr(&attrs, "value").unwrap_or_default().to_string();
                    v.insert(title, value);
                    x.skip("attvalue")?;
                }
                Ev::Open(n, _) if n == "attvalues" => {}
                Ev::Open(n, _) => x.skip(&n)?,
                Ev::Close(n) if n == element => return Ok(v),
                Ev::Eof => return Err(x.error(format!("the file ends inside <{element}>"))),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<KnowledgeGraph> {
        read_xml(Path::new("t.xml"), s.as_bytes())
    }

    #[test]
    fn evidence_entries_parse_with_awkward_document_ids() {
        let mut b = Builder::default();
        let v = b
            .evidence("a.txt#3@10-20; dir/b; c.txt#0@0-5; x#y.txt#1@2-3")
            .unwrap();
        let got: Vec<_> = v
            .iter()
            .map(|e| (e.doc.to_string(), e.sentence, e.start, e.end))
            .collect();
        assert_eq!(
            got,
            [
                ("a.txt".to_string(), 3, 10, 20),
                ("dir/b; c.txt".to_string(), 0, 0, 5),
                ("x#y.txt".to_string(), 1, 2, 3)
            ]
        );
        assert!(b.evidence("a.txt#3").is_err());
        assert!(b.evidence("").unwrap().is_empty());
    }

    #[test]
    fn refuses_what_silkgraph_did_not_write() {
        let cases = [
            ("<html><body/></html>", "root element is <html>"),
            ("not xml at all", "text before the root"),
            ("<graphml><graph>", "ends inside"),
            (
                r#"<graphml><graph edgedefault="directed"><node id="a"/></graph></graphml>"#,
                "no `type`",
            ),
            (
                r#"<graphml><key id="t" for="node" attr.name="type"/><graph><node id="a"><data key="t">planet</data></node></graph></graphml>"#,
                "unknown type",
            ),
            (
                r#"<graphml><key id="t" for="node" attr.name="type"/><graph><node id="a"><data key="t">country</data></node><edge source="a" target="b" label="r"/></graph></graphml>"#,
                "not in the file",
            ),
            ("<graphml><a></b></graphml>", "not well-formed"),
        ];
        for (xml, want) in cases {
            let e = read(xml).unwrap_err().to_string();
            assert!(e.contains(want), "{xml}: {e}");
            assert!(e.starts_with("t.xml: "), "{e}");
        }
    }

    /// A small graph in both formats, as the writers produce it.
    fn documents() -> Vec<String> {
        let mut g = read(SAMPLE).unwrap();
        g.meta.documents = 2;
        let opts = crate::export::ExportOptions::default();
        vec![
            crate::export::render(&g, crate::export::Format::Graphml, &opts),
            crate::export::render(&g, crate::export::Format::Gexf, &opts),
        ]
    }

    const SAMPLE: &str = r#"<graphml>
<key id="t" for="node" attr.name="type"/><key id="r" for="edge" attr.name="relation"/>
<key id="e" for="edge" attr.name="evidence"/><key id="w" for="edge" attr.name="weapons"/>
<key id="s" for="edge" attr.name="status"/><key id="y" for="edge" attr.name="years"/>
<graph edgedefault="directed">
<node id="country:a"><data key="t">country</data></node>
<node id="country:b"><data key="t">country</data></node>
<edge source="country:a" target="country:b"><data key="r">supplies_arms_to</data>
<data key="e">d.txt#1@0-9; d.txt#2@10-20</data><data key="w">J-10C</data>
<data key="s">agreed</data><data key="y">2020; 2021</data></edge>
</graph></graphml>"#;

    /// What the writers produce reads back as the graph written.
    #[test]
    fn written_documents_read_back() {
        let g = read(SAMPLE).unwrap();
        for doc in documents() {
            let back = read(&doc).unwrap();
            assert_eq!(
                crate::export::to_json_value(&back)["edges"],
                crate::export::to_json_value(&g)["edges"]
            );
            assert_eq!(back.meta.documents, 2);
        }
    }

    proptest::proptest! {
        /// Truncated or corrupted files are refused (or read), never a panic.
        #[test]
        fn damaged_documents_never_panic(
            which in 0usize..2,
            cut in 0usize..4000,
            edits in proptest::collection::vec((0usize..4000, proptest::num::u8::ANY), 0..4),
        ) {
            let mut bytes = documents()[which].clone().into_bytes();
            for (at, b) in edits {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            bytes.truncate(cut.min(bytes.len()));
            let _ = read_xml(Path::new("t"), bytes.as_slice());
        }
    }

    #[test]
    fn reads_references_and_undirected_edges() {
        let g = read(
            r#"<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="t" for="node" attr.name="type" attr.type="string"/>
<key id="l" for="node" attr.name="label" attr.type="string"/>
<graph edgedefault="undirected">
<node id="country:b"><data key="t">country</data><data key="l">AT&amp;T &#10;&lt;x&gt;</data></node>
<node id="country:a"><data key="t">country</data></node>
<edge source="country:b" target="country:a" label="co_occurs_with"/>
</graph></graphml>"#,
        )
        .unwrap();
        assert_eq!(g.node("country:b").unwrap().label, "AT&T \n<x>");
        assert_eq!(g.node("country:a").unwrap().label, "country:a");
        // Undirected: stored source < target, weight defaults to 1.
        let e = g.edge("country:a", "co_occurs_with", "country:b").unwrap();
        assert!(e.symmetric);
        assert_eq!(e.weight, 1);
    }
}
