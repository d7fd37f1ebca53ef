"""Qt-free heart of the kiosk: catalogue, forms, identity, codes, calendar, lifecycle, intake."""
