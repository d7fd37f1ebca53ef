"""MotCua Kiosk: the intake desk of a Vietnamese commune's one-stop office."""

__version__ = "0.1.0"
