"""The GUI-free core: datasets, palette, engine and catalog. Never imports Qt."""
