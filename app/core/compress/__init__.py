"""Smaller models made from a run's model (int8 quantisation, pruning), each measured against
its source (file size, CPU latency, test accuracy) and recorded as a new catalog version."""
