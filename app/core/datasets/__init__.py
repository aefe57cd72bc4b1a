"""Datasets: loading, validation report, fingerprint, splits and in-memory tensors."""
