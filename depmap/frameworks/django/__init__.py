"""Django: models, app configs and what exposes them (DRF serializers, forms, admin), queryset and
instance operations, and migrations, read from one file each; linked across files by
`depmap.orm`. Registered in `family.py`."""
