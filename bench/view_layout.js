#!/usr/bin/env node
// graphology's ForceAtlas2 (the vendored code the page's worker runs, with the page's
// settings and hash start positions) synchronously in Node on a page's graph until it settles
// by the page's rule (mean node movement under 0.2% of the drawing's diagonal per step, twice
// in a row): the time and iterations, to compare with the layout silkgraph now computes when
// it writes the page (src/export/layout.rs).
//
//     node bench/view_layout.js PAGE.html [STEP_ITERATIONS]
const fs = require("fs");
const vm = require("vm");
const path = require("path");

const page = fs.readFileSync(process.argv[2], "utf8");
const step = parseInt(process.argv[3] || "10", 10);
const vendor = fs.readFileSync(path.join(__dirname, "..", "vendor", "silkgraph-vendor.min.js"), "utf8");
// The bundle's sigma part reads WebGL constants at load; Node has none and needs none.
globalThis.WebGL2RenderingContext = globalThis.WebGLRenderingContext = new Proxy({}, { get: () => 0 });
vm.runInThisContext(vendor + "\n;globalThis.SilkgraphVendor = SilkgraphVendor;");
const V = globalThis.SilkgraphVendor;
const open = page.indexOf('<script id="sg-data"');
const body = page.indexOf(">", open) + 1;
const data = JSON.parse(page.slice(body, page.indexOf("</script", body)));

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}
const t0 = process.hrtime.bigint();
const graph = new V.Graph({ multi: true, type: "mixed" });
const N = data.nodes.length;
const R = Math.sqrt(N) * 10;
for (const n of data.nodes) {
  const a = hash(n.id) * 2 * Math.PI, r = R * Math.sqrt(hash(n.id + "#"));
  graph.addNode(n.id, { x: r * Math.cos(a), y: r * Math.sin(a) });
}
for (const e of data.edges) {
  const s = data.nodes[e[0]].id, t = data.nodes[e[1]].id;
  const attrs = { lw: 1 + Math.log(e[3]) };
  if (e[4]) graph.addUndirectedEdge(s, t, attrs);
  else graph.addDirectedEdge(s, t, attrs);
}
const settings = V.forceAtlas2.inferSettings(graph);
const t1 = process.hrtime.bigint();
let prev = null, calm = 0, iterations = 0;
function positions() {
  const p = new Float64Array(2 * N);
  let j = 0;
  graph.forEachNode((_, a) => { p[j++] = a.x; p[j++] = a.y; });
  return p;
}
while (iterations < 20000) {
  V.forceAtlas2.assign(graph, { iterations: step, settings, getEdgeWeight: "lw" });
  iterations += step;
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
    if (calm >= 2) break;
  }
  prev = p;
}
const t2 = process.hrtime.bigint();
console.log(JSON.stringify({
  nodes: N, edges: data.edges.length, build_ms: Number(t1 - t0) / 1e6,
  layout_ms: Math.round(Number(t2 - t1) / 1e6), iterations,
  ms_per_iteration: +(Number(t2 - t1) / 1e6 / iterations).toFixed(2),
  barnes_hut: settings.barnesHutOptimize,
}));
