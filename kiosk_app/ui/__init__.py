"""Every PySide6 import lives in this package (and the entry point); it never writes SQL."""
