"""Staff curation: the database-backed knowledge base with accounts, review workflow, versions and audit."""
