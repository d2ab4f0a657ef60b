#!/usr/bin/env python3
"""Build a news-density benchmark corpus: distinct text at the entity density of news.

    make_news_corpus.py SIZE_MB OUT_DIR [--file OUT.txt] [--jsonl OUT.jsonl]
                        [--item-bytes 500] [--seeds DIR] [--news DIR]
                        [--silkgraph BIN] [--chunk-kb 512] [--seed N] [--pool 100]
                        [--republish P]

Sources, read at run time only (nothing of them is stored in the repository):
  * the seed articles (<repo>/seeds/*.txt), and
  * the news set (<repo>/../shared/eval/news/corpus/*.txt) when it exists.

Each source paragraph is cut into sentences; in each sentence, every gazetteer
alias (from `silkgraph gazetteer list --format jsonl`, word-bounded, with its own
case rule, leftmost-longest) becomes a slot of its entity type and alias kind
(name, demonym, capital, acronym, variant). Output documents recombine random
source sentences into paragraphs of the source's lengths and fill every slot
with an alias of the same type and kind drawn with Zipf weights (1/rank over
the first --pool aliases of a shuffled list, as news names a few entities often and
most rarely; the graph of 100 MB then has a few thousand nodes, not one edge per
sentence), so the text keeps the news
set's entity density and sentence shapes while the sentences are distinct.
A sentence that was already written (checked in a 2^31-bit hash bitmap,
256 MiB) is redrawn up to 4 times, then made distinct by a nonsense word
("zq<n>x", never an alias) before its last full stop, as make_corpus.py
--distinct does.

Documents (a title line and 6-14 paragraphs, blank lines between) are packed
into OUT_DIR/part-NNNNN.txt files of about CHUNK_KB, like make_corpus.py;
--file writes the same bytes as one file. --jsonl writes the same text as
JSONL items of about --item-bytes bytes each ({"id":N,"text":...}), whole
sentences, for the small-document case.

--republish P follows a share P of the documents with a syndicated copy: a new
first line ("Republished from a partner outlet.") and the same paragraphs, as
wire stories reappear in other outlets. Those sentences are then exact copies
(silkgraph reuses their relations, and counts them once). The copies count
toward SIZE_MB; without the option the output is unchanged.

The output is deterministic for a given --seed, sources and gazetteer. The last
line on stderr gives the source's and the output's slots per MB.
"""
import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
WORD = r"[0-9A-Za-z_\u00C0-\uFFFF]"


def read_paragraphs(d):
    """Paragraphs (lists of sentences) of every .txt file in d, sorted by name."""
    docs = []
    if not d or not os.path.isdir(d):
        return docs
    for name in sorted(os.listdir(d)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as f:
            text = f.read()
        paras = []
        for line in text.splitlines():
            line = line.strip()
            if len(line) < 80:  # titles, bylines, captions: not prose
                continue
            paras.append([s for s in SENT_SPLIT.split(line) if s])
        if paras:
            docs.append(paras)
    return docs


def load_aliases(silkgraph):
    out = subprocess.run([silkgraph, "gazetteer", "list", "--format", "jsonl"],
                         check=True, capture_output=True, text=True).stdout
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    return [r for r in rows if not r["ambiguous"]]


def build_matchers(rows):
    """Two alternations (case-sensitive, case-insensitive), longest alias first."""
    by_cs = {True: {}, False: {}}
    for r in rows:
        key = r["alias"] if r["case_sensitive"] else r["alias"].lower()
        by_cs[r["case_sensitive"]].setdefault(key, (r["type"], r["kind"]))
    res = {}
    for cs, d in by_cs.items():
        alts = sorted(d, key=len, reverse=True)
        pat = "(?<!%s)(?:%s)(?!%s)" % (WORD, "|".join(re.escape(a) for a in alts), WORD)
        res[cs] = (re.compile(pat, 0 if cs else re.IGNORECASE), d)
    return res


def template(sentence, matchers):
    """The sentence as [text, slot, text, slot, ..., text]; a slot is (type, kind)."""
    spans = []
    for cs, (rx, d) in matchers.items():
        for m in rx.finditer(sentence):
            key = m.group(0) if cs else m.group(0).lower()
            spans.append((m.start(), m.end(), d[key]))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    parts, pos = [], 0
    for st, en, slot in spans:
        if st < pos:
            continue  # leftmost-longest: drop overlaps
        parts.append(sentence[pos:st])
        parts.append(slot)
        pos = en
    parts.append(sentence[pos:])
    return parts


class Seen:
    """Exact-for-misses hash bitmap: a false hit only makes a sentence redrawn."""

    def __init__(self, bits=31):
        self.mask = (1 << bits) - 1
        self.bits = bytearray(1 << (bits - 3))

    def add(self, s):
        h = int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") & self.mask
        byte, bit = h >> 3, 1 << (h & 7)
        if self.bits[byte] & bit:
            return False
        self.bits[byte] |= bit
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("size_mb", type=float)
    ap.add_argument("out_dir")
    ap.add_argument("--file", help="also write the same bytes as one file")
    ap.add_argument("--jsonl", help="write the text as JSONL items instead of part files")
    ap.add_argument("--item-bytes", type=int, default=500)
    ap.add_argument("--seeds", default=os.path.join(REPO, "seeds"))
    ap.add_argument("--news", default=os.path.join(REPO, "..", "shared", "eval", "news", "corpus"))
    ap.add_argument("--silkgraph", default=os.path.join(REPO, "target", "release", "silkgraph"))
    ap.add_argument("--chunk-kb", type=int, default=512)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--pool", type=int, default=100,
                    help="aliases drawn from per entity type and alias kind (default 100)")
    ap.add_argument("--republish", type=float, default=0.0,
                    help="share of documents followed by a syndicated copy (default 0)")
    a = ap.parse_args()

    rows = load_aliases(a.silkgraph)
    pool = {}
    for r in rows:
        if not r["generated"]:
            pool.setdefault((r["type"], r["kind"]), []).append(r["alias"])
    rng = random.Random(a.seed)
    # News names a few entities often and most rarely: a Zipf draw (weight 1/rank) over a
    # shuffled pool keeps the graph the size real news makes instead of one edge per sentence.
    cum = {}
    for k, v in pool.items():
        v.sort()
        rng.shuffle(v)
        del v[a.pool:]
        acc, c = 0.0, []
        for r in range(len(v)):
            acc += 1.0 / (r + 1)
            c.append(acc)
        cum[k] = c
    matchers = build_matchers(rows)

    docs = read_paragraphs(a.seeds) + read_paragraphs(a.news)
    if not docs:
        sys.exit("make_news_corpus.py: no source text")
    sentences, para_lens, doc_lens = [], [], []
    src_bytes = src_slots = 0
    for paras in docs:
        doc_lens.append(len(paras))
        for p in paras:
            para_lens.append(len(p))
            for s in p:
                t = template(s, matchers)
                sentences.append(t)
                src_bytes += len(s.encode()) + 1
                src_slots += len(t) // 2

    seen = Seen()
    target = int(a.size_mb * 1e6)
    nonsense = 0

    def sentence():
        nonlocal nonsense
        t = rng.choice(sentences)
        for _ in range(5):
            s = "".join(p if isinstance(p, str) else rng.choices(pool[p], cum_weights=cum[p])[0] for p in t)
            if seen.add(s):
                return s, len(t) // 2
        nonsense += 1
        i = s.rfind(".")
        s = (s[:i] + f" zq{nonsense}x" + s[i:]) if i > 0 else s + f" zq{nonsense}x"
        seen.add(s)
        return s, len(t) // 2

    # Its own generator: without --republish the main draw, and so the output, is unchanged.
    republish = random.Random(a.seed + 1)
    copy = None

    def document():
        nonlocal copy
        if copy is not None:
            text, paras, n = copy
            copy = None
            return text, paras, n
        paras, slots = [], 0
        for _ in range(rng.randint(6, 14)):
            sents = []
            for _ in range(rng.choice(para_lens)):
                s, n = sentence()
                sents.append(s)
                slots += n
            paras.append(" ".join(sents))
        title, n = sentence()
        body = "\n\n".join(paras) + "\n"
        if a.republish > 0 and republish.random() < a.republish:
            copy = ("Republished from a partner outlet\n\n" + body, paras, slots)
        return title.rstrip(".") + "\n\n" + body, paras, slots + n

    os.makedirs(a.out_dir, exist_ok=True)
    for name in os.listdir(a.out_dir):  # stale parts from an earlier build
        if name.startswith("part-") and name.endswith(".txt"):
            os.remove(os.path.join(a.out_dir, name))
    one = open(a.file + ".tmp", "wb") if a.file else None
    jl = open(a.jsonl + ".tmp", "w", encoding="utf-8") if a.jsonl else None

    total = slots = nfile = item = 0
    buf, buf_len = [], 0

    def flush():
        nonlocal nfile, buf, buf_len
        if not buf:
            return
        data = b"".join(buf)
        with open(os.path.join(a.out_dir, f"part-{nfile:05d}.txt"), "wb") as f:
            f.write(data)
        if one:
            one.write(data)
        nfile += 1
        buf, buf_len = [], 0

    while total < target:
        text, paras, n = document()
        slots += n
        if jl:
            cur = ""
            for s in (s for p in paras for s in SENT_SPLIT.split(p)):
                cur = f"{cur} {s}" if cur else s
                if len(cur.encode()) >= a.item_bytes:
                    line = json.dumps({"id": item, "text": cur}, ensure_ascii=False) + "\n"
                    jl.write(line)
                    total += len(line.encode())
                    item += 1
                    cur = ""
            continue
        b = (text + "\n").encode()
        if total + len(b) > target:
            break
        if buf_len and buf_len + len(b) > a.chunk_kb * 1024:
            flush()
        buf.append(b)
        buf_len += len(b)
        total += len(b)
    flush()
    for f, path in ((one, a.file), (jl, a.jsonl)):
        if f:
            f.close()
            os.replace(path + ".tmp", path)
    print(f"make_news_corpus.py: {total / 1e6:.1f} MB, {nfile or item} {'files' if nfile else 'items'}; "
          f"slots/MB: source {src_slots / src_bytes * 1e6:.0f} ({len(sentences)} sentences, "
          f"{src_bytes / 1e3:.0f} KB), output {slots / total * 1e6:.0f}; "
          f"{nonsense} sentences made distinct with a nonsense word", file=sys.stderr)


if __name__ == "__main__":
    main()
