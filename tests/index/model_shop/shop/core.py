from django.db import models


class Stamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class StatusMixin:
    def close(self):
        self.status = "closed"
        self.save(update_fields=["status"])


class ModelRepository:
    model = None

    def everything(self):
        return self.model.objects.all()

    def by_status(self, status):
        return self.model.objects.filter(status=status)
