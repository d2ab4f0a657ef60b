//! The HTML view's layout, computed when the page is written: ForceAtlas2 (the `fa2` crate,
//! MIT, a port of graphology's implementation by graphology's author, which the page's
//! worker runs when the reader resumes the layout) with graphology's `inferSettings`
//! (strong gravity 0.05, scaling 10, slow-down 1 + ln n), the page's start positions (a
//! hash of the node id) and the page's stopping rule. In headless Chromium a 5,000-node,
//! 51,617-edge graph ran under two iterations a second in the worker (software WebGL
//! starves it) and had not settled after a minute; here it settles in about 2 s, so the
//! page opens laid out.
//!
//! Two measured departures from `inferSettings`, for speed: Barnes–Hut repulsion from 500
//! nodes (not 2,000: at 2,000 nodes exact repulsion costs 19.6 ms an iteration, Barnes–Hut
//! 2.6 ms) with θ = 1.2, Gephi's default (graphology's 0.5 costs 21 ms an iteration at
//! 5,000 nodes, 1.2 costs 7.6 ms). Every edge takes part: repulsion is most of an
//! iteration (6.2 of the 7.6 ms with no edge at all), so laying out a thinned graph would
//! gain little, and the page's resumed layout works on the same graph.
//!
//! Deterministic: single-threaded, no randomness, a fixed stopping rule counted in
//! iterations (never in time), positions rounded to 0.1 so the bytes are the same for the
//! same graph.

use fa2::{FA2Data, FA2Settings};

/// Iterations between two samples of the stopping rule (as the page samples).
const STEP: usize = 10;
/// Mean movement per node over [`STEP`] iterations, as a share of the drawing's diagonal,
/// under which a sample counts as calm; two calm samples in a row stop the layout.
const CALM: f64 = 0.002;
/// At most this many iterations, however far from calm (the 5,000- and 20,000-node
/// benchmark graphs settle in 310 to 320)...
const MAX_ITERATIONS: usize = 1500;
/// ... and at most this many node-iterations, so a huge graph costs `extract -o x.html`
/// about 15 s at worst (an iteration costs about 1.7 µs a node with Barnes–Hut) and opens
/// less settled: "Resume layout" goes on in the page.
const NODE_ITERATIONS: usize = 7_500_000;
/// Barnes–Hut repulsion above this many nodes (exact pairwise repulsion below).
const BARNES_HUT_ABOVE: usize = 500;
/// Barnes–Hut θ: Gephi's default.
const THETA: f64 = 1.2;

/// Positions per node (in the order given) and the iterations run.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub positions: Vec<(f64, f64)>,
    pub iterations: usize,
}

/// Lay out a graph of `ids.len()` nodes with `edges` (node indices and weight > 0; a
/// pair may repeat, as relations do): start positions from [`start_position`], then
/// ForceAtlas2 until two calm samples in a row or the budget of [`max_iterations`].
pub fn layout(ids: &[&str], edges: &[(usize, usize, f64)]) -> Layout {
    let n = ids.len();
    let start: Vec<(f64, f64)> = ids.iter().map(|id| start_position(id, n)).collect();
    run(start, edges, n > BARNES_HUT_ABOVE, max_iterations(n))
}

/// The iteration budget of a graph of `n` nodes: see [`NODE_ITERATIONS`].
fn max_iterations(n: usize) -> usize {
    (NODE_ITERATIONS / n.max(1) / STEP * STEP).clamp(5 * STEP, MAX_ITERATIONS)
}

fn run(
    start: Vec<(f64, f64)>,
    edges: &[(usize, usize, f64)],
    barnes_hut: bool,
    max_iterations: usize,
) -> Layout {
    let n = start.len();
    // Nothing to move (and the Barnes–Hut tree needs at least one node).
    if n < 2 {
        return Layout {
            positions: start,
            iterations: 0,
        };
    }
    let mut data = FA2Data::<f64>::with_capacity(n, edges.len());
    for &(x, y) in &start {
        data.add_node_with_position(x, y);
    }
    for &(s, t, w) in edges {
        if s < n && t < n && s != t && w.is_finite() && w > 0.0 {
            data.add_edge_with_weight(s, t, w);
        }
    }
    let mut settings = FA2Settings::<f64>::from_graph_order(n).with_pairwise_repulsion();
    if barnes_hut {
        settings = settings.with_barnes_hut_theta(THETA);
    }
    let mut fa2 = settings.build(data);
    let mut prev: Vec<(f64, f64)> = start;
    let mut calm = 0;
    let mut iterations = 0;
    while iterations < max_iterations {
        fa2.run(STEP);
        iterations += STEP;
        let now: Vec<(f64, f64)> = fa2.data().positions().collect();
        if now.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
            // Cannot happen with finite weights (every force is guarded against a zero
            // distance); should it, the last finite positions are kept.
            break;
        }
        calm = if mean_move(&prev, &now) < CALM {
            calm + 1
        } else {
            0
        };
        prev = now;
        if calm >= 2 {
            break;
        }
    }
    Layout {
        positions: prev,
        iterations,
    }
}

/// Mean distance moved per node as a share of the diagonal of `now`'s bounding box.
fn mean_move(prev: &[(f64, f64)], now: &[(f64, f64)]) -> f64 {
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    let mut moved = 0.0;
    for (&(px, py), &(x, y)) in prev.iter().zip(now) {
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
        moved += (x - px).hypot(y - py);
    }
    let extent = (max_x - min_x).hypot(max_y - min_y);
    let extent = if extent > 0.0 { extent } else { 1.0 };
    moved / now.len().max(1) as f64 / extent
}

/// The start position of node `id` in a graph of `n` nodes: a point of the disc of radius
/// 10 √n, from two hashes of the id. The page uses the same formula, so a graph written
/// without positions opens the same way.
pub fn start_position(id: &str, n: usize) -> (f64, f64) {
    let r_max = (n as f64).sqrt() * 10.0;
    let a = unit_hash(id.encode_utf16()) * std::f64::consts::TAU;
    let r = r_max * unit_hash(id.encode_utf16().chain("#".encode_utf16())).sqrt();
    (r * a.cos(), r * a.sin())
}

/// 32-bit FNV-1a over UTF-16 code units, as a number in [0, 1): what the page's `hash`
/// computes from `charCodeAt`.
fn unit_hash(units: impl Iterator<Item = u16>) -> f64 {
    let mut h: u32 = 2_166_136_261;
    for u in units {
        h = (h ^ u32::from(u)).wrapping_mul(16_777_619);
    }
    f64::from(h) / 4_294_967_296.0
}

/// `v` rounded to 0.1 (the page draws in pixels of a view fitted to the graph, so a tenth
/// of a layout unit is far below what shows), without a negative zero.
pub fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(p: &[(f64, f64)], a: usize, b: usize) -> f64 {
        (p[a].0 - p[b].0).hypot(p[a].1 - p[b].1)
    }

    fn finite(l: &Layout) -> bool {
        l.positions
            .iter()
            .all(|(x, y)| x.is_finite() && y.is_finite())
    }

    /// Two dense clusters of six nodes joined by one edge.
    fn two_clusters() -> (Vec<String>, Vec<(usize, usize, f64)>) {
        let ids: Vec<String> = (0..12).map(|i| format!("node:{i}")).collect();
        let mut edges = Vec::new();
        for c in [0, 6] {
            for a in c..c + 6 {
                for b in a + 1..c + 6 {
                    edges.push((a, b, 1.0 + (a + b) as f64 % 3.0));
                }
            }
        }
        edges.push((0, 6, 1.0));
        (ids, edges)
    }

    #[test]
    fn same_graph_same_positions() {
        let (ids, edges) = two_clusters();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let a = layout(&ids, &edges);
        let b = layout(&ids, &edges);
        assert_eq!(a, b);
        assert!(a.iterations >= 2 * STEP && a.iterations < MAX_ITERATIONS);
        // Barnes–Hut is deterministic too.
        let start: Vec<_> = ids.iter().map(|id| start_position(id, ids.len())).collect();
        assert_eq!(
            run(start.clone(), &edges, true, 200),
            run(start, &edges, true, 200)
        );
    }

    #[test]
    fn connected_nodes_end_closer_than_unconnected_ones() {
        let (ids, edges) = two_clusters();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let start: Vec<_> = ids.iter().map(|id| start_position(id, ids.len())).collect();
        for barnes_hut in [false, true] {
            let l = run(start.clone(), &edges, barnes_hut, MAX_ITERATIONS);
            let p = &l.positions;
            let mean = |pairs: &[(usize, usize)]| {
                pairs.iter().map(|&(a, b)| dist(p, a, b)).sum::<f64>() / pairs.len() as f64
            };
            let within: Vec<(usize, usize)> = [(1, 2), (3, 4), (2, 5), (7, 8), (9, 10), (8, 11)]
                .into_iter()
                .collect();
            let across: Vec<(usize, usize)> = [(1, 7), (2, 8), (3, 9), (4, 10), (5, 11), (1, 11)]
                .into_iter()
                .collect();
            assert!(
                mean(&within) * 2.0 < mean(&across),
                "barnes_hut {barnes_hut}: within {} across {}",
                mean(&within),
                mean(&across)
            );
        }
    }

    #[test]
    fn degenerate_graphs_give_finite_positions() {
        assert_eq!(layout(&[], &[]).positions, vec![]);
        let one = layout(&["a"], &[]);
        assert_eq!(one.positions.len(), 1);
        assert!(finite(&one));
        let two = layout(&["a", "b"], &[(0, 1, 1.0), (1, 0, 2.0)]);
        assert!(finite(&two) && dist(&two.positions, 0, 1) > 0.0);
        // Isolated nodes next to a connected pair; out-of-range, self and bad-weight edges
        // are ignored.
        let ids = ["a", "b", "c", "d", "e"];
        let edges = [
            (0, 1, 3.0),
            (2, 2, 1.0),
            (3, 9, 1.0),
            (3, 4, f64::NAN),
            (3, 4, 0.0),
        ];
        assert!(finite(&layout(&ids, &edges)));
        // Every node at one point, with both repulsions.
        for barnes_hut in [false, true] {
            let l = run(
                vec![(5.0, 5.0); 6],
                &[(0, 1, 1.0), (2, 3, 1.0)],
                barnes_hut,
                100,
            );
            assert!(finite(&l), "barnes_hut {barnes_hut}: {:?}", l.positions);
        }
    }

    #[test]
    fn start_positions_match_the_page_hash() {
        // The page's hash("a") = FNV-1a of [0x61] / 2^32.
        assert_eq!(
            unit_hash("a".encode_utf16()),
            3_826_002_220.0 / 4_294_967_296.0
        );
        let (x, y) = start_position("country:pk", 100);
        assert!(x.hypot(y) <= 100.0);
    }

    #[test]
    fn huge_graphs_get_fewer_iterations() {
        assert_eq!(max_iterations(207), MAX_ITERATIONS);
        assert_eq!(max_iterations(5000), MAX_ITERATIONS);
        assert_eq!(max_iterations(20_000), 370);
        assert_eq!(max_iterations(10_000_000), 5 * STEP);
    }

    #[test]
    fn rounding_is_to_a_tenth_without_negative_zero() {
        assert_eq!(round(12.345), 12.3);
        assert_eq!(round(-0.04).to_string(), "0");
        assert_eq!(serde_json::to_string(&round(-0.04)).unwrap(), "0.0");
    }
}
