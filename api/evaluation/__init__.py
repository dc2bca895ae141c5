"""Measurement: routing and retrieval quality (``farun eval``) and latency, memory and scaling (``farun bench``)."""
