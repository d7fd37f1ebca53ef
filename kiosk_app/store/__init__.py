"""The kiosk's SQLite store (sqlite-utils): opening, migrations, attachments, search."""
