#!/usr/bin/env python3
"""spaCy PhraseMatcher peer (cheaper than the EntityRuler: no Span/ents bookkeeping):
spacy.blank("en") + "sentencizer", two PhraseMatchers (attr="LOWER" for the
case-insensitive aliases, attr="ORTH" for the case-sensitive ones), match key =
entity id, spans of both merged leftmost-longest (spacy.util.filter_spans), each
span assigned to the sentence holding its first token, then sentence co-occurrence.
usage: spacy_phrase.py ALIASES.jsonl CORPUS.txt [--prefix-mb N]"""
import bisect
import time
import common
import spacy
from spacy.matcher import PhraseMatcher

gaz, corpus, prefix = common.args("spacy_phrase.py")
aliases = common.load_aliases(gaz)
paras, nbytes = common.load_corpus(corpus, prefix)
t_loaded = time.perf_counter()

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
m_ci = PhraseMatcher(nlp.vocab, attr="LOWER")
m_cs = PhraseMatcher(nlp.vocab, attr="ORTH")
by_ent = {}
for a, e, t, cs in aliases:
    by_ent.setdefault((e, cs), []).append(a)
for (e, cs), als in by_ent.items():
    (m_cs if cs else m_ci).add(e, list(nlp.tokenizer.pipe(als)))
t_built = time.perf_counter()

strings = nlp.vocab.strings
cooc = common.Cooc()
for doc in nlp.pipe(paras, batch_size=256):
    spans = [(s, e, k) for k, s, e in m_ci(doc)] + [(s, e, k) for k, s, e in m_cs(doc)]
    spans = common.leftmost_longest(spans)
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    per = [[] for _ in sents]
    for s, e, k in spans:
        per[bisect.bisect_right(starts, s) - 1].append(strings[k])
    for ids in per:
        cooc.add_sentence(ids)
common.report("spacy_phrasematcher", nbytes, cooc, t_loaded, t_built, time.perf_counter(),
              spacy=spacy.__version__)
