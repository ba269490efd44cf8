"""exercise: a tabletop negotiation exercise engine for the terminal."""

__version__ = "0.1.0"
