from rest_framework import serializers

from accounts.models import ApiClient


class ApiClientSerializer(serializers.ModelSerializer):  # depmap-expect: exposes-all-fields breaking
    class Meta:
        model = ApiClient
        exclude = ["owner"]
        read_only_fields = ["created_at", "revoked_at"]
