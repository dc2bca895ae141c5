"""The curation database: models, migrations, sessions, seeding from YAML, and the live view running processes serve."""
