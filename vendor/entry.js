// The browser libraries the HTML view uses, bundled by update.sh into one IIFE that sets
// the global `SilkgraphVendor`.
import Graph from "graphology";
import Sigma from "sigma";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";

export { Graph, Sigma, FA2Layout, forceAtlas2 };
