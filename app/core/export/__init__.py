"""Exports of a run's model that provably match it: ONNX and ``torch.export`` files with the
preprocessing inside, checked against PyTorch on the run's own test samples, and standalone
bundles that need only onnxruntime, numpy and pillow."""
