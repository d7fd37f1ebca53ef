"""Tests of the provincial reference server (sync/server) over HTTP, on SQLite and PostgreSQL."""
