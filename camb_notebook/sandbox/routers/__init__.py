"""The sandbox's routers, one per API family, each mirroring the API's wire paths (docs/design.md)."""
