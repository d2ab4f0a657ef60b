"""Shared plumbing for the Python peers (see bench/README.md).

Every peer: loads the aliases exported by `silkgraph gazetteer list --format jsonl`
(alias, entity, type, case_sensitive), reads the corpus as UTF-8, treats each
non-empty line (paragraph) as a document, finds entity mentions per sentence and
counts sentence-level co-occurrence: every pair of *distinct* entity ids in one
sentence increments a collections.Counter. It prints one JSON line with the counts
and the timings measured inside the process (load, build, match); compare.sh
measures the whole process (wall, peak RSS) around it.
"""
import collections
import itertools
import json
import re
import sys
import time

T_START = time.perf_counter()


def args(usage):
    a = sys.argv[1:]
    prefix_mb = None
    if "--prefix-mb" in a:
        i = a.index("--prefix-mb")
        prefix_mb = float(a[i + 1])
        del a[i:i + 2]
    if len(a) != 2:
        sys.exit(f"usage: {usage} ALIASES.jsonl CORPUS.txt [--prefix-mb N]")
    return a[0], a[1], prefix_mb


def load_aliases(path):
    """[(alias, entity, type, case_sensitive)]. An alias listed for several entities
    (silkgraph marks them ambiguous and disambiguates in context) keeps its first
    entity here: the peers have no disambiguation step."""
    out, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            cs = bool(r["case_sensitive"])
            key = (r["alias"] if cs else r["alias"].lower(), cs)
            if key in seen:
                continue
            seen.add(key)
            out.append((r["alias"], r["entity"], r["type"], cs))
    return out


def load_corpus(path, prefix_mb=None):
    """Returns (paragraphs, nbytes). With prefix_mb, only the first prefix_mb*1e6
    bytes, cut at a line end (spaCy is too slow for the whole corpus)."""
    with open(path, "rb") as f:
        data = f.read(int(prefix_mb * 1e6) if prefix_mb else -1)
    if prefix_mb:
        data = data[: data.rfind(b"\n") + 1]
    text = data.decode("utf-8")
    return [p for p in text.split("\n") if p.strip()], len(data)


# What a Python user writes without an NLP library: split after . ! ? (plus closing
# quotes/brackets) when whitespace and an upper-case letter, digit or opening quote follow.
# No abbreviation list: "Mr. Smith" and "U.S. President" are split (spaCy's sentencizer
# has the same weakness; silkgraph uses sentencex with an abbreviation list).
_SENT = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(paragraph):
    return _SENT.split(paragraph)


class Cooc:
    def __init__(self):
        self.pairs = collections.Counter()
        self.mentions = 0
        self.sentences = 0

    def add_sentence(self, entity_ids):
        """entity_ids: the entity id of every mention in one sentence (repeats allowed)."""
        self.sentences += 1
        self.mentions += len(entity_ids)
        if len(entity_ids) > 1:
            ids = sorted(set(entity_ids))
            if len(ids) > 1:
                self.pairs.update(itertools.combinations(ids, 2))


def leftmost_longest(spans):
    """spans: [(start, end, entity)] possibly overlapping (from two matchers, ci and cs);
    keep leftmost, then longest, non-overlapping ones."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, last = [], -1
    for s in spans:
        if s[0] >= last:
            out.append(s)
            last = s[1]
    return out


def report(tool, nbytes, cooc, t_loaded, t_built, t_done, **extra):
    match_s = t_done - t_built
    r = {
        "tool": tool,
        "bytes": nbytes,
        "sentences": cooc.sentences,
        "mentions": cooc.mentions,
        "distinct_pairs": len(cooc.pairs),
        "pair_count": sum(cooc.pairs.values()),
        "load_s": round(t_loaded - T_START, 3),
        "build_s": round(t_built - t_loaded, 3),
        "match_s": round(match_s, 3),
        "match_MBps": round(nbytes / 1e6 / match_s, 2),
    }
    r.update(extra)
    print(json.dumps(r))
