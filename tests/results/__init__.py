"""Expected values that come from outside this package, each with its provenance.

Modelled on statsmodels' ``tests/results``: a test that checks a published or peer number
imports it from here instead of typing it in, so every number used as ground truth is in
one place, with where it came from. Row labels (C1, C3, ...) are those of the research
notes' table of published reference numbers (``shared/research/METHODS.md``, section c).
"""
