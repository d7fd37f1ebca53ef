"""The provincial reference server (ASGI, FastAPI + uvicorn): ``motcua-server``.

SQLite in the data folder by default, PostgreSQL (psycopg) when given a URL. Protocol:
docs/sync-protocol.md. Modules: :mod:`~sync.server.db` (storage, migrations),
:mod:`~sync.server.service` (use-cases), :mod:`~sync.server.app` (HTTP),
:mod:`~sync.server.lookup` (receipt lookup page), :mod:`~sync.server.cli` (commands).
"""
