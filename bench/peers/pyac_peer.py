#!/usr/bin/env python3
"""pyahocorasick peer: two automata (case-insensitive aliases lower-cased and matched
on the lower-cased sentence; case-sensitive aliases on the original), iter_long
(leftmost-longest per automaton), a word-boundary check in Python (neighbour char
not alphanumeric or '_', Unicode-aware str.isalnum), the two match lists merged
leftmost-longest, then sentence co-occurrence.
usage: pyac_peer.py ALIASES.jsonl CORPUS.txt [--prefix-mb N]"""
import time
import common
import ahocorasick

gaz, corpus, prefix = common.args("pyac_peer.py")
aliases = common.load_aliases(gaz)
paras, nbytes = common.load_corpus(corpus, prefix)
t_loaded = time.perf_counter()

A_ci, A_cs = ahocorasick.Automaton(), ahocorasick.Automaton()
for alias, ent, _typ, cs in aliases:
    if cs:
        A_cs.add_word(alias, (len(alias), ent))
    else:
        A_ci.add_word(alias.lower(), (len(alias.lower()), ent))
A_ci.make_automaton()
A_cs.make_automaton()
t_built = time.perf_counter()


def word(c):
    return c.isalnum() or c == "_"


cooc = common.Cooc()
split = common.split_sentences
for p in paras:
    for s in split(p):
        spans = []
        n = len(s)
        for A, h in ((A_ci, s.lower()), (A_cs, s)):
            if len(h) != n:  # lower() changed the length (e.g. 'İ'): fall back to original
                h = s
            for end, (L, ent) in A.iter_long(h):
                st = end - L + 1
                if (st == 0 or not word(s[st - 1])) and (end + 1 == n or not word(s[end + 1])):
                    spans.append((st, end + 1, ent))
        if len(spans) > 1:
            spans = common.leftmost_longest(spans)
        cooc.add_sentence([e for _, _, e in spans])
common.report("pyahocorasick", nbytes, cooc, t_loaded, t_built, time.perf_counter())
