"""A drop or a rename of a Django field finds the attribute sites real code has: writes
(`bookmark.url_normalized = ...`, `self.x = ...` in `save()`), reads in a comprehension over a
queryset (`next(b for b in existing if b.url_normalized == ...)`), and reads in a module whose only
tie to the ORM is the model it imports for a parameter's annotation."""

from __future__ import annotations

from depmap.impact.rules import renamed_column_in_use
from tests.impact.helpers import change_context, write_files

PROJECT = {
    "bookmarks/__init__.py": "",
    "bookmarks/models.py": '''
        from django.db import models


        class Bookmark(models.Model):
            url = models.CharField(max_length=2048)
            url_normalized = models.CharField(max_length=2048, blank=True)
            title = models.CharField(max_length=512, blank=True)

            def save(self, *args, **kwargs):
                self.url_normalized = self.url.lower().rstrip("/")
                super().save(*args, **kwargs)
    ''',
    "bookmarks/importer.py": '''
        from bookmarks.models import Bookmark


        def import_batch(parsed):
            existing = Bookmark.objects.filter(url__in=[item.href for item in parsed])
            for item in parsed:
                bookmark = next((b for b in existing if b.url_normalized == item.href_normalized), None)
                if bookmark is None:
                    bookmark = Bookmark(url=item.href)
                bookmark.title = item.title
                bookmark.save()


        def copy_data(source: Bookmark, target: Bookmark) -> None:
            target.url_normalized = source.url_normalized
    ''',
    "bookmarks/exporter.py": '''
        import html

        from bookmarks.models import Bookmark


        def export_line(bookmark: Bookmark) -> str:
            return f'<DT><A HREF="{html.escape(bookmark.url_normalized)}">{html.escape(bookmark.title)}</A>'
    ''',
}


def test_a_rename_finds_attribute_writes_comprehension_reads_and_reads_in_a_module_that_only_imports_the_model(tmp_path):
    ctx = change_context(write_files(tmp_path, PROJECT), "bookmarks_bookmark.url_normalized", "rename", new_name="url_key")
    found = sorted((f.location.path, f.location.line, f.severity) for f in renamed_column_in_use.check(ctx))
    assert found == [
        ("bookmarks/exporter.py", 7, "warning"),  # bookmark.url_normalized on an annotated parameter
        ("bookmarks/importer.py", 7, "warning"),  # b.url_normalized, b iterating a queryset in a generator
        ("bookmarks/importer.py", 15, "warning"),  # target.url_normalized = source.url_normalized (one site a line)
        ("bookmarks/models.py", 6, "breaking"),  # the field
        ("bookmarks/models.py", 10, "warning"),  # self.url_normalized = ... in save()
    ]


DYNAMIC = {
    "bookmarks/api.py": '''
        from bookmarks.models import Bookmark

        EDITABLE = ("url", "title")


        def update_bookmark(bookmark: Bookmark, spec: dict) -> None:
            for key in EDITABLE:
                if key in spec:
                    setattr(bookmark, key, spec[key])
            bookmark.save()


        def save_form(bookmark: Bookmark, form) -> None:
            update_fields = ("title",)
            for field in update_fields:
                setattr(bookmark, field, form.cleaned_data[field])
            bookmark.save(update_fields=update_fields)


        def describe(bookmark: Bookmark, name: str) -> str:
            return str(getattr(bookmark, name))  # a name not known here: nothing to attribute
    ''',
}


def test_setattr_over_literal_field_names_and_update_fields_held_in_a_variable_are_sites_of_each_name(tmp_path):
    ctx = change_context(write_files(tmp_path, {**PROJECT, **DYNAMIC}), "bookmarks_bookmark.title", "rename", new_name="label")
    found = sorted((f.location.path, f.location.line, f.severity) for f in renamed_column_in_use.check(ctx))
    assert [site for site in found if site[0] == "bookmarks/api.py"] == [
        ("bookmarks/api.py", 9, "warning"),  # setattr(bookmark, key, ...) for key in EDITABLE
        ("bookmarks/api.py", 16, "warning"),  # setattr(bookmark, field, ...) for field in update_fields
        ("bookmarks/api.py", 17, "warning"),  # save(update_fields=update_fields)
    ]
    url = change_context(write_files(tmp_path, {**PROJECT, **DYNAMIC}), "bookmarks_bookmark.url", "rename", new_name="href")
    assert [f.location.line for f in renamed_column_in_use.check(url) if f.location.path == "bookmarks/api.py"] == [9]


def test_a_form_that_excludes_the_field_by_name_would_expose_it_after_a_rename(tmp_path):
    forms = {"bookmarks/forms.py": '''
        from django import forms

        from bookmarks.models import Bookmark


        class EditBookmarkForm(forms.ModelForm):
            class Meta:
                model = Bookmark
                exclude = ("url_normalized",)
    '''}
    ctx = change_context(write_files(tmp_path, {**PROJECT, **forms}), "bookmarks_bookmark.url_normalized", "rename", new_name="url_key")
    (finding,) = [f for f in renamed_column_in_use.check(ctx) if f.location.path == "bookmarks/forms.py"]
    assert (finding.location.line, finding.severity) == (6, "warning")
    assert finding.message == (
        "The form at bookmarks/forms.py:6 excludes url_normalized by name: if the model field is renamed too, `exclude` no "
        "longer names it and the form starts exposing the field under its new name (readable and, in a form, editable).")


def test_a_condition_built_in_a_variable_before_the_filter_names_its_fields_at_the_filter(tmp_path):
    search = {"bookmarks/search.py": '''
        from django.db.models import Q

        from bookmarks.models import Bookmark


        def search(owner, term: str):
            conditions = Q(owner=owner)
            conditions &= Q(title__icontains=term) | Q(url_normalized__icontains=term)
            return Bookmark.objects.filter(conditions).order_by("-id")


        def by_url(url: str):
            q = Q(url=url)
            q = q | Q(url="")  # the variable built from itself is followed once
            return Bookmark.objects.filter(q)
    '''}
    root = write_files(tmp_path, {**PROJECT, **search})
    ctx = change_context(root, "bookmarks_bookmark.url_normalized", "rename", new_name="url_key")
    assert [f.location.line for f in renamed_column_in_use.check(ctx) if f.location.path == "bookmarks/search.py"] == [9]
    url = change_context(root, "bookmarks_bookmark.url", "rename", new_name="href")
    assert [f.location.line for f in renamed_column_in_use.check(url) if f.location.path == "bookmarks/search.py"] == [15]
