"""Rasa SDK custom actions: answer from the knowledge base, refer, fall back."""
