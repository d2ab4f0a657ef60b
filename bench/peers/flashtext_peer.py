#!/usr/bin/env python3
"""flashtext peer: two KeywordProcessors (case_sensitive=False for the
case-insensitive aliases, True for the case-sensitive ones), clean name = entity id,
extract_keywords(span_info=True) per sentence, both lists merged leftmost-longest,
then sentence co-occurrence. flashtext's word boundary is "not [A-Za-z0-9_]"
(ASCII: a non-ASCII letter next to an alias counts as a boundary).
usage: flashtext_peer.py ALIASES.jsonl CORPUS.txt [--prefix-mb N]"""
import time
import common
from flashtext import KeywordProcessor

gaz, corpus, prefix = common.args("flashtext_peer.py")
aliases = common.load_aliases(gaz)
paras, nbytes = common.load_corpus(corpus, prefix)
t_loaded = time.perf_counter()

kp_ci = KeywordProcessor(case_sensitive=False)
kp_cs = KeywordProcessor(case_sensitive=True)
for alias, ent, _typ, cs in aliases:
    (kp_cs if cs else kp_ci).add_keyword(alias, ent)
t_built = time.perf_counter()

cooc = common.Cooc()
split = common.split_sentences
for p in paras:
    for s in split(p):
        spans = [(a, b, e) for e, a, b in kp_ci.extract_keywords(s, span_info=True)]
        spans += [(a, b, e) for e, a, b in kp_cs.extract_keywords(s, span_info=True)]
        if len(spans) > 1:
            spans = common.leftmost_longest(spans)
        cooc.add_sentence([e for _, _, e in spans])
common.report("flashtext", nbytes, cooc, t_loaded, t_built, time.perf_counter())
