#!/usr/bin/env python3
"""A synthetic corpus and gazetteer whose graph has about 5,000 nodes and 50,000 edges, to
bench the HTML view at scale (bench/view_bench.sh).

    bench/view_corpus.py OUT_DIR [--entities 5000] [--sentences 9000] [--seed 1]

Writes OUT_DIR/gazetteer/synthetic.toml (made-up organizations, places and weapons with
pronounceable names) and OUT_DIR/corpus/doc-NNN.txt: sentences naming 2 to 5 entities drawn
with a skewed (Zipf-like) frequency, so the graph has hubs and a long tail like news, a
share of them phrased as arms transfers and cooperation so typed relations appear too.
Extract with `--no-default-gazetteer --gazetteer OUT_DIR/gazetteer`. Deterministic per seed.
"""

import argparse
import os
import random

SYLLABLES = ("ka ri lo ven tor sa mi dun el ba zor qui an te vo lu ra nes hal dor "
             "fen gar is ul mar pet sin tav yor bel cra dov ish kel mon".split())
TEMPLATES_TYPED = [
    "{a} delivered {w} systems to {b} last year.",
    "{a} signed a defence cooperation agreement with {b}.",
    "{a} agreed to supply {w} to {b}, officials in {c} said.",
]
TEMPLATES_CO = [
    "Delegations from {a} and {b} met in {c} to discuss trade.",
    "{a}, {b} and {c} attended the summit hosted by {d}.",
    "Reports from {a} mentioned {b} alongside {c}.",
    "{a} and {b} were named in the statement.",
    "Talks between {a}, {b}, {c} and {d} continued in {e}.",
]


def name(rng, used):
    while True:
        words = []
        for _ in range(2):
            w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            words.append(w.capitalize())
        n = " ".join(words)
        if n not in used:
            used.add(n)
            return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--entities", type=int, default=5000)
    p.add_argument("--sentences", type=int, default=11500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    used = set()
    ents = []
    for i in range(a.entities):
        t = "weapon" if i % 10 == 0 else ("place" if i % 3 == 0 else "organization")
        ents.append((f"{t}:synthetic-{i:05d}", t, name(rng, used)))
    os.makedirs(os.path.join(a.out, "gazetteer"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "corpus"), exist_ok=True)
    with open(os.path.join(a.out, "gazetteer", "synthetic.toml"), "w") as f:
        for eid, t, n in ents:
            f.write(f'[[entity]]\nid = "{eid}"\ntype = "{t}"\nname = "{n}"\n\n')
    actors = [e for e in ents if e[1] != "weapon"]
    weapons = [e for e in ents if e[1] == "weapon"]
    # Zipf-like weights: a few hubs, a long tail (every entity still appears: see below).
    wa = [1.0 / (r + 1) ** 0.7 for r in range(len(actors))]
    ww = [1.0 / (r + 1) ** 0.7 for r in range(len(weapons))]
    pick = lambda k: [n for _, _, n in rng.choices(actors, wa, k=k)]
    sentences = []
    for i in range(a.sentences):
        if i % 4 == 0:
            tpl = rng.choice(TEMPLATES_TYPED)
            who = pick(3)
            w = rng.choices(weapons, ww)[0][2]
            sentences.append(tpl.format(a=who[0], b=who[1], c=who[2], w=w))
        else:
            tpl = rng.choice(TEMPLATES_CO)
            who = pick(5)
            sentences.append(tpl.format(a=who[0], b=who[1], c=who[2], d=who[3], e=who[4]))
    # Each entity named at least once, so the graph has all of them.
    for k in range(0, len(actors), 2):
        pair = actors[k:k + 2]
        if len(pair) == 2:
            sentences.append(f"{pair[0][2]} and {pair[1][2]} were named in the statement.")
    for k, (_, _, n) in enumerate(weapons):
        sentences.append(f"{actors[k][2]} displayed {n} systems at the parade.")
    rng.shuffle(sentences)
    per_doc = 60
    for d in range(0, len(sentences), per_doc):
        with open(os.path.join(a.out, "corpus", f"doc-{d // per_doc:04d}.txt"), "w") as f:
            chunk = sentences[d:d + per_doc]
            for j in range(0, len(chunk), 4):
                f.write(" ".join(chunk[j:j + 4]) + "\n\n")


if __name__ == "__main__":
    main()
