"""The knowledge base: entry schema and files, statute corpus, validator and retrieval."""
