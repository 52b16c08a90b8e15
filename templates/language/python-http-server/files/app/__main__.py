"""``python -m app``: serve the app (app.core.server)."""

from app.core.server import main

main()
