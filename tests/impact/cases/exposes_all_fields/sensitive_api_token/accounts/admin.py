from django.contrib import admin

from accounts.models import ApiClient

admin.site.register(ApiClient)  # depmap-expect: exposes-all-fields breaking
