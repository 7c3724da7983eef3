"""Data layer: models, engine and session factories, migrations."""
