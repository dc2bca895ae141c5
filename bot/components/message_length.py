"""Give empty and overlong messages their own intents, whatever the classifier guessed.

Placed after DIETClassifier (and before FallbackClassifier) in ``config.yml``:
a message with no words (empty, whitespace or punctuation only) gets the
intent ``empty_message``, one longer than ``max_chars`` characters gets
``overlong_message``, each with confidence 1.0, so a rule can answer politely
on every channel that reaches Rasa (REST, WeChat, story tests). These two
intents belong to this component alone: when the classifier predicts one of
them for an ordinary message, it is dropped from the ranking and the next
intent takes its place.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

EMPTY_INTENT = "empty_message"
OVERLONG_INTENT = "overlong_message"


def has_words(text: str) -> bool:
    """True when the text holds anything but whitespace and punctuation."""
    return any(not ch.isspace() and not unicodedata.category(ch).startswith("P") for ch in text)


def length_intent(text: str, max_chars: int) -> str | None:
    """The intent this component forces for ``text``, or None to keep the classifier's."""
    if not has_words(text):
        return EMPTY_INTENT
    if len(text.strip()) > max_chars:
        return OVERLONG_INTENT
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageLengthClassifier(GraphComponent):
    """Sets ``empty_message`` / ``overlong_message`` (confidence 1.0) from the text's length."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": 2000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config["max_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageLengthClassifier":
        return cls(config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("max_chars", 1)) < 1:
            raise ValueError("max_chars must be at least 1")

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            forced = length_intent(message.get(TEXT) or "", self._max_chars)
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) not in (EMPTY_INTENT, OVERLONG_INTENT)
            ]
            if forced:  # alone in the ranking, so FallbackClassifier sees no ambiguity
                ranking = [{INTENT_NAME_KEY: forced, PREDICTED_CONFIDENCE_KEY: 1.0}]
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in (EMPTY_INTENT, OVERLONG_INTENT):
                continue
            top = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
            message.set(INTENT, dict(top), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
