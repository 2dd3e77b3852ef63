"""Django: models, app configs, serializers, forms and admin classes; querysets, instance saves
and related managers; migrations. Models of every file are linked by the shared ORM linker."""

from __future__ import annotations

from depmap.frameworks.django.migrations import DJANGO_MIGRATIONS
from depmap.frameworks.django.models import DJANGO_MODELS
from depmap.frameworks.django.queries import DJANGO_QUERIES
from depmap.frameworks.family import Family
from depmap.orm.link import link_orm
from depmap.orm.objects import OBJECTS

DJANGO = Family("django", python=(DJANGO_MIGRATIONS, DJANGO_MODELS, DJANGO_QUERIES, OBJECTS), linkers=(link_orm,))
