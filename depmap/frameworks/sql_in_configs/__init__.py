"""SQL kept in YAML and JSON configuration files. Registered in `family.py`."""
