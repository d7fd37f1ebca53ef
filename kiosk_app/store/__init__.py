"""The kiosk's SQLite store (sqlite-utils): opening, migrations, attachments, search."""

import sys

import sqlcipher3
import sqlcipher3.dbapi2

# The store is SQLCipher (encryption at rest, kiosk_app/store/db.py). sqlite-utils uses the
# ``pysqlite3`` module instead of the standard ``sqlite3`` when it can import it, and catches
# that module's exceptions internally (releasing its query savepoint, feature probes,
# ``drop(ignore=True)``): it must be the driver the connections come from, whose exception
# classes are not the standard module's. Registered here, before any store module imports
# sqlite-utils.
sys.modules.setdefault("pysqlite3", sqlcipher3)
sys.modules.setdefault("pysqlite3.dbapi2", sqlcipher3.dbapi2)
