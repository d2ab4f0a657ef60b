#!/usr/bin/env bash
# Bench the HTML view: file sizes (per node and per edge), what the layout silkgraph computes
# adds to `extract -o x.html` (against `-o x.json`, best of RUNS), time to first drawn frame
# and to a settled layout in headless Chromium (tests/browser/view_test.py --measure), and
# the same ForceAtlas2 in Node for comparison (bench/view_layout.js), for the seed graph and
# a 5,000-node / ~50,000-edge synthetic graph (bench/view_corpus.py). Needs chromium,
# chromium-driver, python selenium and node. Output under $VIEW_BENCH_DIR (default
# /tmp/silkgraph-view-bench).
#
#     bench/view_bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
dir="${VIEW_BENCH_DIR:-/tmp/silkgraph-view-bench}"
bin="${SILKGRAPH:-target/release/silkgraph}"
mkdir -p "$dir"
[ -x "$bin" ] || cargo build --release

python3 bench/view_corpus.py "$dir/big"
big=(--no-default-gazetteer --gazetteer "$dir/big/gazetteer")
"$bin" extract seeds -q -o "$dir/seeds.html"
"$bin" extract seeds -q -o "$dir/seeds.json"
"$bin" extract "$dir/big/corpus" "${big[@]}" -q -o "$dir/big.html"
"$bin" extract "$dir/big/corpus" "${big[@]}" -q -o "$dir/big.json"
seed_nodes=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["nodes"]))' "$dir/seeds.json")
hub=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(max(d["nodes"], key=lambda n: n["mentions"])["label"])' "$dir/big.json")

echo "| graph | nodes | edges | HTML bytes | data block | evidence block (deflate, base64) | vendored JS + UI | bytes per node (object + layout) | bytes per edge (data + evidence) | layout iterations |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for g in seeds big; do
    python3 - "$dir/$g.html" "$g" <<'EOF'
import json, sys
html = open(sys.argv[1], encoding="utf-8").read()
def block(id):
    o = html.index(f'<script id="{id}"'); b = html.index(">", o) + 1
    return html[b:html.index("</script", b)]
data, ev = block("sg-data"), block("sg-evidence")
d = json.loads(data)
n, e = len(d["nodes"]), len(d["edges"])
size = len(html.encode())
rest = size - len(data.encode()) - len(ev.encode())
# The node objects and positions as the page writes them (compact JSON, ASCII or not).
compact = lambda v: len(json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode())
per_node = (compact(d["nodes"]) + compact(d["layout"]["xy"])) / max(1, n)
per_edge = (compact(d["edges"]) + len(ev.encode())) / max(1, e)
print(f"| {sys.argv[2]} | {n} | {e} | {size:,} | {len(data.encode()):,} | {len(ev.encode()):,} | {rest:,} "
      f"| {per_node:.0f} | {per_edge:.0f} | {d['layout']['iterations']} |")
EOF
done

echo
echo "What the layout adds to extract (seconds, best of $runs; json and html extract the same graph):"
echo
echo "| graph | extract -o x.json | extract -o x.html |"
echo "|---|---|---|"
best() {
    local b=""
    for _ in $(seq "$runs"); do
        local s e
        s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
        b=$(python3 -c 'import sys; t=float(sys.argv[2])-float(sys.argv[1]); b=sys.argv[3]; print(f"{min(t, float(b)) if b else t:.2f}")' "$s" "$e" "$b")
    done
    echo "$b"
}
echo "| seeds | $(best "$bin" extract seeds -q -o "$dir/t.json") | $(best "$bin" extract seeds -q -o "$dir/t.html") |"
echo "| big | $(best "$bin" extract "$dir/big/corpus" "${big[@]}" -q -o "$dir/t.json") | $(best "$bin" extract "$dir/big/corpus" "${big[@]}" -q -o "$dir/t.html") |"

echo
echo "| graph | run | first frame ms | settled ms | FA2 iterations in the page |"
echo "|---|---|---|---|---|"
for r in $(seq "$runs"); do
    m=$(python3 tests/browser/view_test.py "$dir/seeds.html" --expect-nodes "$seed_nodes" --measure | sed -n 1p)
    echo "| seeds | $r | $(echo "$m" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["first_frame_ms"], "|", m["settled_ms"], "|", m["iterations"])') |"
    m=$(python3 tests/browser/view_test.py "$dir/big.html" --expect-nodes 5000 --search "$hub" --measure | sed -n 1p)
    echo "| big | $r | $(echo "$m" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["first_frame_ms"], "|", m["settled_ms"], "|", m["iterations"])') |"
done

echo
echo "graphology's ForceAtlas2 (what the page ran before the layout was precomputed), synchronous in Node:"
node bench/view_layout.js "$dir/seeds.html" 2>/dev/null
node bench/view_layout.js "$dir/big.html" 2>/dev/null
