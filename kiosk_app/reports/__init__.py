"""Printable and exportable reports (statistics as CSV, Excel and PDF). No Qt."""
