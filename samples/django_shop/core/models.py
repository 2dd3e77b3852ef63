"""Building blocks shared by the models of every app."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-modification timestamps to a model."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        get_latest_by = "created_at"
