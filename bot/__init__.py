"""Rasa assistant: domain, training data, endpoints and custom NLU components."""
