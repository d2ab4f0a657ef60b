// silkgraph interactive view: sigma.js draws a graphology graph built from the embedded
// data block, at the positions silkgraph computed (ForceAtlas2, src/export/layout.rs);
// "Resume layout" runs graphology's ForceAtlas2 in a web worker from there.
(function () {
  "use strict";
  const V = window.SilkgraphVendor;
  const CO = "co_occurs_with";
  // The exporters' colours (matplotlib tab10) for entity types.
  const TYPE_COLORS = {
    country: "#1f77b4", organization: "#ff7f0e", corridor: "#2ca02c",
    weapon: "#d62728", place: "#9467bd",
  };
  const REL_PALETTE = ["#17becf", "#e377c2", "#8c564b", "#bcbd22", "#d62728",
    "#2ca02c", "#ff7f0e", "#1f77b4", "#9467bd", "#7f7f7f", "#393b79", "#637939"];
  const FADED = "#e4e4e4";
  const t0 = performance.now();
  const state = {
    relations: new Set(), types: new Set(), minWeight: 1,
    selected: null, neighbors: new Set(), byDiff: false,
  };
  // Exposed for the browser test and the benchmark.
  const view = (window.silkgraphView = { ready: false, firstFrameMs: null, settledMs: null });

  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...kids) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const k of kids) e.append(k);
    return e;
  };

  const data = JSON.parse($("sg-data").textContent);
  const relColor = {};
  let k = 0;
  for (const r of data.relations) relColor[r] = r === CO ? "#c8c8c8" : REL_PALETTE[k++ % REL_PALETTE.length];
  for (const r of data.relations) if (r !== CO) state.relations.add(r);
  for (const t of Object.keys(TYPE_COLORS)) state.types.add(t);
  const diffKey = data.node_keys.indexOf("diff");
  const edgeDiffKey = data.edge_keys.indexOf("diff");
  state.byDiff = diffKey >= 0;

  // Deterministic start positions (a hash of the id), so a page opens the same way twice;
  // only used when the data block has no layout (src/export/layout.rs has the same formula).
  function hash(s) {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return (h >>> 0) / 4294967296;
  }

  // Two graphs: `layoutGraph` (made when the layout is first resumed) holds every edge and
  // is what ForceAtlas2 moves; `graph` is what sigma draws and holds only the edges of
  // relations switched on so far, so the default typed view of a large graph does not pass
  // 50,000 hidden co-occurrence edges through every frame. Positions are copied from one to
  // the other a few times a second while the layout runs.
  const graph = new V.Graph({ multi: true, type: "mixed" });
  let layoutGraph = null;
  const N = data.nodes.length;
  const xy = data.layout && data.layout.xy.length === 2 * N ? data.layout.xy : null;
  const R = Math.sqrt(N) * 10;
  data.nodes.forEach((n, i) => {
    let x, y;
    if (xy) { x = xy[2 * i]; y = xy[2 * i + 1]; }
    else {
      const a = hash(n.id) * 2 * Math.PI, r = R * Math.sqrt(hash(n.id + "#"));
      x = r * Math.cos(a); y = r * Math.sin(a);
    }
    graph.addNode(n.id, {
      x, y,
      size: 2 + 1.6 * Math.log(1 + n.mentions),
      label: n.label, color: TYPE_COLORS[n.type] || "#999", i,
      diffColor: n.x && n.x.color,
    });
  });
  const EDGE = { s: 0, t: 1, r: 2, w: 3, sym: 4, status: 5, weapons: 6, years: 7, total: 8, inferred: 9, x: 10 };
  const byRelation = data.relations.map(() => []);
  data.edges.forEach((e, i) => byRelation[e[EDGE.r]].push(i));
  function makeLayoutGraph() {
    const g = new V.Graph({ multi: true, type: "mixed" });
    graph.forEachNode((id, a) => g.addNode(id, { x: a.x, y: a.y }));
    for (const e of data.edges) {
      const s = data.nodes[e[EDGE.s]].id, t = data.nodes[e[EDGE.t]].id;
      const lw = { lw: 1 + Math.log(e[EDGE.w]) };
      if (e[EDGE.sym]) g.addUndirectedEdge(s, t, lw);
      else g.addDirectedEdge(s, t, lw);
    }
    return g;
  }
  const loaded = new Set();
  // Add the edges of the relations switched on that `graph` does not hold yet.
  function loadEdges() {
    data.relations.forEach((rel, r) => {
      if (!state.relations.has(rel) || loaded.has(r)) return;
      loaded.add(r);
      for (const i of byRelation[r]) {
        const e = data.edges[i];
        const attrs = {
          i, rel, weight: e[EDGE.w],
          size: rel === CO ? 0.5 : 1 + Math.min(3, Math.log(e[EDGE.w])),
          color: relColor[rel], diffColor: e[EDGE.x] && e[EDGE.x].color,
          type: e[EDGE.sym] ? "line" : "arrow",
          st: data.nodes[e[EDGE.s]].type, tt: data.nodes[e[EDGE.t]].type,
        };
        const s = data.nodes[e[EDGE.s]].id, t = data.nodes[e[EDGE.t]].id;
        if (e[EDGE.sym]) graph.addUndirectedEdge(s, t, attrs);
        else graph.addDirectedEdge(s, t, attrs);
      }
    });
  }
  loadEdges();

  function edgeVisible(edge, a) {
    return state.relations.has(a.rel) && a.weight >= state.minWeight
      && state.types.has(a.st) && state.types.has(a.tt);
  }

  const renderer = new V.Sigma(graph, $("graph"), {
    renderEdgeLabels: false,
    labelRenderedSizeThreshold: 7,
    zIndex: true,
    defaultEdgeType: "line",
    nodeReducer(node, a) {
      const r = { ...a };
      if (state.byDiff && a.diffColor) r.color = a.diffColor;
      if (!state.types.has(data.nodes[a.i].type)) { r.hidden = true; return r; }
      if (state.selected) {
        if (node === state.selected) { r.highlighted = true; r.zIndex = 2; r.forceLabel = true; }
        else if (state.neighbors.has(node)) { r.zIndex = 1; r.forceLabel = true; }
        // Faded nodes shrink to dots: sigma draws every edge under every node, and a dense
        // graph would otherwise cover the selected node's edges.
        else { r.color = FADED; r.label = ""; r.zIndex = 0; r.size = Math.min(a.size, 1.5); }
      }
      return r;
    },
    edgeReducer(edge, a) {
      const r = { ...a };
      if (state.byDiff && a.diffColor) r.color = a.diffColor;
      if (!edgeVisible(edge, a)) { r.hidden = true; return r; }
      if (state.selected && !graph.hasExtremity(edge, state.selected)) r.hidden = true;
      return r;
    },
  });

  renderer.once("afterRender", () => {
    view.firstFrameMs = performance.now() - t0;
    // Laid out by silkgraph: settled as soon as it is drawn.
    if (xy && view.settledMs === null) {
      view.settledMs = view.firstFrameMs;
      view.iterations = 0;
    }
  });
  view.precomputedIterations = xy ? data.layout.iterations : null;

  // Layout: ForceAtlas2 in a worker (one message per iteration); stopped once nodes move, on
  // average, less than 0.2% of the drawing's diagonal in 10 iterations, twice in a row (or
  // after 60 s), so an idle page costs no CPU. src/export/layout.rs and
  // bench/view_layout.js apply the same rule.
  let layout = null;
  function ensureLayout() {
    if (layout) return;
    layoutGraph = makeLayoutGraph();
    const settings = V.forceAtlas2.inferSettings(layoutGraph);
    layout = new V.FA2Layout(layoutGraph, { settings, getEdgeWeight: "lw" });
    layoutGraph.on("eachNodeAttributesUpdated", () => {
      if (!layout.isRunning()) return;
      view.layoutIterations = ++iterations;
      if (iterations % STEP === 0) sample();
      if (layout.isRunning()) copyPositions(false);
    });
    window.silkgraphDebug.layout = layout;
    window.silkgraphDebug.layoutGraph = layoutGraph;
  }
  const running = () => layout !== null && layout.isRunning();
  const STEP = 10;
  let prev = null, calm = 0, iterations = 0, lastCopy = 0, renderMs = 0, capTimer = null;
  function positions() {
    const p = new Float64Array(2 * N);
    let j = 0;
    layoutGraph.forEachNode((_, a) => { p[j++] = a.x; p[j++] = a.y; });
    return p;
  }
  // Copy the layout to the drawing, at most once per three drawing times, so drawing never
  // takes most of the main thread (the worker waits on it between iterations).
  function copyPositions(force) {
    if (!layoutGraph) return;
    const now = performance.now();
    if (!force && now - lastCopy < Math.max(100, 3 * renderMs)) return;
    lastCopy = now;
    graph.updateEachNodeAttributes((node, a) => {
      const l = layoutGraph.getNodeAttributes(node);
      a.x = l.x; a.y = l.y;
      return a;
    });
  }
  let renderStart = 0;
  renderer.on("beforeRender", () => { renderStart = performance.now(); });
  renderer.on("afterRender", () => { renderMs = performance.now() - renderStart; });
  function settle() {
    stopLayout();
    if (view.settledMs === null) {
      view.settledMs = performance.now() - t0;
      view.iterations = iterations;
    }
  }
  function sample() {
    const p = positions();
    if (prev) {
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, moved = 0;
      for (let j = 0; j < p.length; j += 2) {
        minX = Math.min(minX, p[j]); maxX = Math.max(maxX, p[j]);
        minY = Math.min(minY, p[j + 1]); maxY = Math.max(maxY, p[j + 1]);
        moved += Math.hypot(p[j] - prev[j], p[j + 1] - prev[j + 1]);
      }
      const extent = Math.hypot(maxX - minX, maxY - minY) || 1;
      calm = moved / Math.max(1, N) / extent < 0.002 ? calm + 1 : 0;
      if (calm >= 2) { settle(); return; }
    }
    prev = p;
  }
  function startLayout() {
    if (N < 2) { view.settledMs = performance.now() - t0; return; }
    ensureLayout();
    prev = null; calm = 0;
    layout.start();
    view.layoutRunning = true;
    clearTimeout(capTimer);
    capTimer = setTimeout(() => { if (layout.isRunning()) settle(); }, 60000);
    $("layout-toggle").textContent = "Stop layout";
  }
  function stopLayout() {
    if (layout) layout.stop();
    view.layoutRunning = false;
    clearTimeout(capTimer);
    copyPositions(true);
    $("layout-toggle").textContent = "Resume layout";
  }
  $("layout-toggle").addEventListener("click", () => (running() ? stopLayout() : startLayout()));

  // Counts and filters.
  function refresh() {
    loadEdges();
    let shown = 0;
    graph.forEachEdge((e, a) => { if (edgeVisible(e, a)) shown++; });
    $("edge-shown").textContent = shown;
    if (state.selected) computeNeighbors();
    renderer.refresh();
  }
  $("node-count").textContent = N;
  $("edge-count").textContent = data.edges.length;

  function checkbox(parent, value, checked, swatch, line, onChange) {
    const box = el("input", { type: "checkbox", checked, value });
    box.addEventListener("change", () => { onChange(box.checked); refresh(); });
    const sw = el("span", { className: "swatch" + (line ? " line" : "") });
    sw.style.background = swatch;
    parent.append(el("label", {}, box, sw, value.replace(/_/g, " ")));
  }
  for (const r of data.relations) {
    checkbox($("relation-filter"), r, r !== CO, relColor[r], true,
      (on) => (on ? state.relations.add(r) : state.relations.delete(r)));
  }
  const present = new Set(data.nodes.map((n) => n.type));
  for (const t of Object.keys(TYPE_COLORS)) {
    if (present.has(t)) {
      checkbox($("type-filter"), t, true, TYPE_COLORS[t], false,
        (on) => (on ? state.types.add(t) : state.types.delete(t)));
    }
  }
  $("min-weight").addEventListener("input", () => {
    state.minWeight = Math.max(1, parseInt($("min-weight").value, 10) || 1);
    refresh();
  });
  if (state.byDiff) {
    const seen = new Map();
    for (const n of data.nodes) if (n.x) seen.set(n.x.values[diffKey], n.x.color);
    for (const e of data.edges) if (e[EDGE.x]) seen.set(e[EDGE.x].values[edgeDiffKey], e[EDGE.x].color);
    const box = $("diff-legend");
    box.hidden = false;
    const toggle = el("input", { type: "checkbox", checked: true });
    toggle.addEventListener("change", () => { state.byDiff = toggle.checked; renderer.refresh(); });
    box.append(el("label", {}, toggle, "colour by diff"));
    for (const [s, c] of [...seen].sort()) {
      const sw = el("span", { className: "swatch" });
      sw.style.background = c;
      box.append(el("div", {}, sw, s));
    }
  }

  // Evidence: the compressed block is inflated once, on the first request.
  let evidence = null;
  function loadEvidence() {
    if (!evidence) {
      const b64 = $("sg-evidence").textContent.trim();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      evidence = new Response(stream).text().then(JSON.parse);
    }
    return evidence;
  }

  // Selection and the side panel.
  function computeNeighbors() {
    state.neighbors = new Set();
    graph.forEachEdge(state.selected, (e, a, s, t) => {
      if (edgeVisible(e, a)) state.neighbors.add(s === state.selected ? t : s);
    });
  }
  function relationText(e) {
    const s = data.nodes[e[EDGE.s]], t = data.nodes[e[EDGE.t]];
    const rel = data.relations[e[EDGE.r]].replace(/_/g, " ");
    const arrow = e[EDGE.sym] ? " \u2014 " : " \u2192 ";
    const facts = ["weight " + e[EDGE.w]];
    if (e[EDGE.status]) facts.push(e[EDGE.status]);
    if (e[EDGE.weapons].length) facts.push("weapons: " + e[EDGE.weapons].join(", "));
    if (e[EDGE.years].length) facts.push("years: " + e[EDGE.years].join(", "));
    if (e[EDGE.inferred]) facts.push("inferred");
    if (e[EDGE.x]) facts.push(data.edge_keys.map((k2, j) => k2 + " " + e[EDGE.x].values[j]).join(", "));
    return s.label + arrow + rel + arrow + t.label + " (" + facts.join("; ") + ")";
  }
  function fillEvidence(box, i) {
    loadEvidence().then((ev) => {
      const list = el("ol", { className: "evidence" });
      // Co-occurrence evidence carries no text; typed evidence has none when the page was
      // converted from GraphML or GEXF, which keep only where the sentence is.
      const missing = data.relations[data.edges[i][EDGE.r]] === CO
        ? "(co-occurrence: sentence at bytes " : "(sentence text not in the graph file: bytes ";
      for (const [d, sentence, start, end, text, rule, resolved] of ev.edges[i]) {
        const where = ev.docs[d] + ", sentence " + sentence + (rule ? ", rule " + rule : "")
          + (resolved ? ", " + resolved : "");
        list.append(el("li", { className: "evidence-item" },
          el("div", { className: "where" }, where),
          el("div", { className: "text" }, text || missing + start + "\u2013" + end + ")")));
      }
      const e = data.edges[i];
      if (e[EDGE.total] > ev.edges[i].length) {
        list.append(el("li", { className: "hint" }, (e[EDGE.total] - ev.edges[i].length) + " more not kept in the graph"));
      }
      box.replaceChildren(list);
    }).catch((err) => {
      box.replaceChildren(el("p", { className: "hint" }, "Evidence could not be read: " + err));
      console.error(err);
    });
  }
  function select(id, focusPanel) {
    state.selected = id;
    const panel = $("panel");
    if (!id) {
      state.neighbors = new Set();
      panel.replaceChildren(el("p", { className: "hint" }, "No entity selected."));
      renderer.refresh();
      return;
    }
    computeNeighbors();
    const n = data.nodes[graph.getNodeAttribute(id, "i")];
    const dl = el("dl", {});
    const row = (k2, v) => dl.append(el("dt", {}, k2), el("dd", {}, String(v)));
    row("type", n.type);
    row("mentions", n.mentions);
    row("documents", n.documents);
    row("aliases", n.aliases.join(", "));
    if (n.source !== "gazetteer") row("found by", n.source);
    if (n.x) data.node_keys.forEach((k2, j) => row(k2, n.x.values[j]));
    const rels = [];
    graph.forEachEdge(id, (e, a) => { if (state.relations.has(a.rel)) rels.push(a.i); });
    rels.sort((x, y) => {
      const ex = data.edges[x], ey = data.edges[y];
      return (data.relations[ex[EDGE.r]] === CO) - (data.relations[ey[EDGE.r]] === CO) || ey[EDGE.w] - ex[EDGE.w] || x - y;
    });
    const list = el("div", { className: "relations" });
    for (const i of rels) {
      const e = data.edges[i];
      const other = data.nodes[e[EDGE.s]].id === id ? data.nodes[e[EDGE.t]] : data.nodes[e[EDGE.s]];
      const box = el("div", {}, el("p", { className: "hint" }, "Loading evidence\u2026"));
      const det = el("details", { className: "relation" }, el("summary", {}, relationText(e)));
      const go = el("button", { type: "button", className: "goto" }, "Go to " + other.label);
      go.addEventListener("click", () => select(other.id, true));
      det.append(go, box);
      det.addEventListener("toggle", () => { if (det.open && !det.dataset.loaded) { det.dataset.loaded = "1"; fillEvidence(box, i); } }, { once: false });
      list.append(det);
    }
    panel.replaceChildren(
      el("h2", {}, n.label), dl,
      el("h3", {}, rels.length + " relation" + (rels.length === 1 ? "" : "s") + (state.relations.has(CO) ? "" : " (typed; tick co occurs with for co-occurrence)")),
      list);
    if (focusPanel) {
      const first = panel.querySelector("summary");
      (first || panel).focus();
    }
    const pos = renderer.getNodeDisplayData(id);
    if (pos) renderer.getCamera().animate({ x: pos.x, y: pos.y, ratio: Math.min(renderer.getCamera().ratio, 0.6) }, { duration: 300 });
    renderer.refresh();
  }
  renderer.on("clickNode", ({ node }) => select(node, false));
  renderer.on("clickStage", () => select(null));

  // Search: any alias, case-insensitive; prefix matches first.
  const names = [];
  data.nodes.forEach((n) => {
    const seen = new Set();
    for (const a of [n.label, ...n.aliases]) {
      const low = a.toLowerCase();
      if (!seen.has(low)) { seen.add(low); names.push([low, a, n]); }
    }
  });
  const search = $("search"), results = $("results");
  function showResults() {
    const q = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) { results.hidden = true; return; }
    const hits = names.filter(([low]) => low.includes(q))
      .sort((a, b) => (a[0] === q ? 0 : a[0].startsWith(q) ? 1 : 2) - (b[0] === q ? 0 : b[0].startsWith(q) ? 1 : 2)
        || b[2].mentions - a[2].mentions || (a[1] < b[1] ? -1 : 1))
      .slice(0, 20);
    for (const [, alias, n] of hits) {
      const text = alias === n.label ? n.label + " (" + n.type + ")" : alias + " \u2192 " + n.label + " (" + n.type + ")";
      const b = el("button", { type: "button", role: "option", className: "result" }, text);
      b.dataset.node = n.id;
      b.addEventListener("click", () => { results.hidden = true; select(n.id, true); });
      results.append(el("li", {}, b));
    }
    if (!hits.length) results.append(el("li", { className: "hint" }, "No entity has this name."));
    results.hidden = false;
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", (ev) => {
    const first = results.querySelector("button");
    if (ev.key === "Enter" && first) { ev.preventDefault(); first.click(); }
    else if (ev.key === "ArrowDown" && first) { ev.preventDefault(); first.focus(); }
  });
  results.addEventListener("keydown", (ev) => {
    const items = [...results.querySelectorAll("button")];
    const at = items.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && at < items.length - 1) { ev.preventDefault(); items[at + 1].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); (at > 0 ? items[at - 1] : search).focus(); }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      results.hidden = true;
      select(null);
      search.focus();
    }
  });

  // Kept apart from silkgraphView, which tests read back as JSON.
  window.silkgraphDebug = { renderer, graph, layout: null, layoutGraph: null };
  view.layoutRunning = false;
  view.layoutIterations = 0;
  refresh();
  if (xy) $("layout-toggle").textContent = "Resume layout";
  else startLayout();
  view.ready = true;
})();
