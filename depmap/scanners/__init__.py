"""Scanners: pure functions of one file. The registry is `depmap.scanners.registry.SCANNERS`."""
