"""The run catalog: a local SQLite file of datasets, runs, metrics and artifacts."""
