"""A second opinion on which legal topic a message is about, blended into DIET's intent ranking.

DIET (sentence vector + word and character n-grams) is good at the dialogue
intents — greetings, choices, 转人工 — but learns the register of its training
sentences: a real question worded differently from them often lands on the
wrong topic at confidence near 1. A logistic regression over the sentence
vectors alone (USE and E5) generalises better between the topical intents
(wage_arrears, elderly_services, enterprise_risk, legal_services,
out_of_scope) but is poor at the short dialogue intents. So this component
leaves the dialogue intents and the total probability DIET gives to the
topics untouched, and only re-divides that total among the topics:

    p'(topic) = (1 - weight) · p_DIET(topic) + weight · mass · p_LR(topic)

where ``mass`` is DIET's total over the topics (``bot.components.blending``).
The regression's weights are stored as plain arrays (no pickle).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.blending import blend, softmax

WEIGHTS_FILE = "topical_blend.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicalBlend(IntentClassifier, GraphComponent):
    """Re-divides DIET's probability over the topical intents with a logistic regression on sentence vectors."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "topics": ["wage_arrears", "elderly_services", "enterprise_risk", "legal_services", "out_of_scope"],
            "featurizers": [],  # dense featurizers (by alias) whose sentence vectors are used; [] = all
            "weight": 0.7,  # share of the topics' probability re-divided by the regression
            "C": 3.0,  # inverse regularisation strength of the regression
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not 0.0 <= float(config["weight"]) <= 1.0:
            raise ValueError("weight must be between 0 and 1")
        if len(config["topics"]) < 3:
            raise ValueError("at least three topics are needed (a softmax over the regression's classes)")

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.topics: List[str] = []
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TopicalBlend":
        return cls(config, model_storage, resource)

    def _vectors(self, messages: List[Message]) -> np.ndarray:
        rows = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT, self.config["featurizers"])
            if sentence is None:
                raise ValueError("TopicalBlend needs a dense sentence featurizer before it")
            rows.append(np.asarray(sentence.features, dtype=np.float64).reshape(-1))
        return np.vstack(rows)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        topics = set(self.config["topics"])
        examples = [e for e in training_data.intent_examples if e.get(INTENT) in topics and e.get(TEXT)]
        model = LogisticRegression(C=float(self.config["C"]), max_iter=3000, random_state=42)
        model.fit(self._vectors(examples), [e.get(INTENT) for e in examples])
        self.topics, self.coef, self.intercept = list(model.classes_), model.coef_, model.intercept_
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, topics=np.array(self.topics), coef=self.coef, intercept=self.intercept)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TopicalBlend":
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
            component.topics = [str(topic) for topic in stored["topics"]]
            component.coef, component.intercept = stored["coef"], stored["intercept"]
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        """Re-ranks the intents of messages DIET ranked (text messages; not button payloads)."""
        todo = [m for m in messages if m.get(INTENT_RANKING_KEY) and m.get(TEXT)]
        if not todo or self.coef is None:
            return messages
        opinions = softmax(self._vectors(todo) @ self.coef.T + self.intercept)
        for message, opinion in zip(todo, opinions):
            ranking = blend(message.get(INTENT_RANKING_KEY), self.topics, opinion, float(self.config["weight"]))
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
