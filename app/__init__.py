"""ModelDesk: train neural networks on your own data and keep a record of every run."""

__version__ = "0.1.0"
