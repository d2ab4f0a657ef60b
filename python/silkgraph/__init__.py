"""silkgraph: turn geopolitical news text into a typed knowledge graph.

>>> import silkgraph
>>> ex = silkgraph.Extractor()
>>> g = ex.extract(["Pakistan and China signed a defence pact in 2019."])
>>> g.to_networkx()  # doctest: +SKIP
"""

from ._errors import DataError, Error, ExtractWarning, InputError
from ._silkgraph import DEFAULT_MAX_EVIDENCE, PART_BYTES, Extractor, Graph, merge

__all__ = [
    "DEFAULT_MAX_EVIDENCE",
    "PART_BYTES",
    "DataError",
    "Error",
    "ExtractWarning",
    "Extractor",
    "Graph",
    "InputError",
    "merge",
]
