#!/usr/bin/env python3
"""spaCy peer, "the pipeline a Python user would write instead":
spacy.blank("en") + "sentencizer" + EntityRuler(s) loaded with phrase patterns
{"label": type, "pattern": alias, "id": entity}, then for every doc.sents the
distinct ent.ent_id_ pairs go into a Counter.

Case handling (an EntityRuler has ONE phrase_matcher_attr for all its patterns):
two rulers. "ruler_cs" (attr ORTH, the default) holds the case-sensitive aliases
and runs first; "ruler_ci" (phrase_matcher_attr="LOWER") holds the
case-insensitive ones and only adds entities that do not overlap the first ruler's
(overwrite_ents=False). This reproduces silkgraph's per-alias case rule exactly;
a single LOWER ruler would match "US"/"AND"/"IS" in lower case everywhere.
Docs = paragraphs (one per line), nlp.pipe(batch_size=256).
usage: spacy_ruler.py ALIASES.jsonl CORPUS.txt [--prefix-mb N]"""
import time
import common
import spacy

gaz, corpus, prefix = common.args("spacy_ruler.py")
aliases = common.load_aliases(gaz)
paras, nbytes = common.load_corpus(corpus, prefix)
t_loaded = time.perf_counter()

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
r_cs = nlp.add_pipe("entity_ruler", name="ruler_cs")
r_ci = nlp.add_pipe("entity_ruler", name="ruler_ci", config={"phrase_matcher_attr": "LOWER"})
with nlp.select_pipes(enable=[]):  # pattern docs need the tokenizer only
    r_cs.add_patterns([{"label": t, "pattern": a, "id": e} for a, e, t, cs in aliases if cs])
    r_ci.add_patterns([{"label": t, "pattern": a, "id": e} for a, e, t, cs in aliases if not cs])
t_built = time.perf_counter()

cooc = common.Cooc()
for doc in nlp.pipe(paras, batch_size=256):
    for sent in doc.sents:
        cooc.add_sentence([ent.ent_id_ for ent in sent.ents])
common.report("spacy_entityruler", nbytes, cooc, t_loaded, t_built, time.perf_counter(),
              spacy=spacy.__version__)
