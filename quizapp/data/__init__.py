"""Data: the engine and sessions (db.py), the typed SQLAlchemy models (models/) and the
Alembic migrations (migrations/, run by migrate.py). No Flask.
"""
