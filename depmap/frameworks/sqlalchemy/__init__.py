"""SQLAlchemy, Flask-SQLAlchemy and SQLModel: declarative models, Core tables, exposures
(marshmallow, pydantic), and the statements and sessions that read and write them; linked across
files by `depmap.orm`. Registered in `family.py`."""
