"""veille: multilingual news monitoring of AI open-sourcing."""

__version__ = "0.1.0"
