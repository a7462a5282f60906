"""The sandbox's routers, one per API family, each mirroring the wire paths of the API reference §2."""
