"""The kiosk ↔ province sync protocol (client and provincial server); no Qt here."""
