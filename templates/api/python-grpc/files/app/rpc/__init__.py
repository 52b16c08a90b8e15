"""The gRPC side of the app: items.v1.ItemService, the standard health service and server
reflection, served beside HTTP in the same event loop (see app.main)."""
