"""stackgen: bootstrap a ready backend repository from the terminal."""

__version__ = "0.1.0"
