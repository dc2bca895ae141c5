"""FastAPI application, the command-line tool and clients of the Rasa server."""
