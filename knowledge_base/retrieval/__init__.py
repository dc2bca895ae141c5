"""Hybrid retrieval: a small pipeline of swappable parts.

``Embedder`` (sentence-transformers) → ``DenseIndex`` (FAISS) and
``KeywordIndex`` (BM25 over jieba tokens) → ``reciprocal_rank_fusion`` →
``AbstainPolicy`` (calibrated confidence threshold). ``Retriever`` wires them
together over the knowledge-base entries.
"""
