"""Bounded contexts, one package each. A module's public interface is its package
(``app.modules.items``); everything under it (``app.modules.items.service``) is internal.
Other modules and the HTTP layer import the public interface only; tests/test_architecture.py
enforces it."""
