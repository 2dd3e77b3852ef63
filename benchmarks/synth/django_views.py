"""Django views over models: querysets with filter/values/update/create, aggregates, search,
CSV export, DRF viewsets; and the URL patterns that route to them."""

from __future__ import annotations

from synth.django_models import field_name, model_imports, value_expr
from synth.repo import Repo, docstring, render
from synth.schema import Column, Table


def views_py(repo: Repo, app: str, tables: list[Table]) -> tuple[str, list[str]]:
    """views.py with 4-7 views a model, and the names of the function views (for urls.py)."""
    rng = repo.rng
    body: list[str] = []
    names: list[str] = []
    for table in tables:
        for shape in rng.sample(_VIEW_SHAPES, rng.randint(4, 7)):
            lines, name = shape(repo, table)
            if name in names:
                continue
            body += lines + ["", ""]
            if name:
                names.append(name)
    text = "\n".join(body)
    imports = ["from __future__ import annotations", ""]
    if "csv." in text:
        imports.append("import csv")
    if "json." in text:
        imports.append("import json")
    imports += ["from datetime import timedelta", ""]
    if "Paginator(" in text:
        imports.append("from django.core.paginator import Paginator")
    orm = [n for n in ("Count", "Q", "Sum") if f"{n}(" in text]
    if orm:
        imports.append(f"from django.db.models import {', '.join(orm)}")
    if "TruncDate(" in text:
        imports.append("from django.db.models.functions import TruncDate")
    imports += ["from django.http import HttpRequest, HttpResponse, JsonResponse", "from django.shortcuts import get_object_or_404"]
    imports += ["from django.utils import timezone", "from django.views.decorators.http import require_GET, require_POST"]
    if "viewsets." in text:
        imports += ["from rest_framework import permissions, viewsets", ""]
    else:
        imports.append("")
    imports += model_imports(tables)
    if "Serializer" in text:
        imports.append(f"from {app}.serializers import {', '.join(t.model + 'Serializer' for t in tables)}")
    head = docstring(f"HTTP endpoints of the {app} app: JSON for the front end, CSV exports for staff.") + [""]
    return render(head + imports + ["", ""] + body), names


def some(repo: Repo, table: Table, low: int, high: int) -> list[Column]:
    """A few of the table's data columns (no key, no JSON), for one query to name."""
    data = [c for c in table.data_columns() if c.kind != "json"]
    return repo.rng.sample(data, min(len(data), repo.rng.randint(low, high)))


def _view_list(repo: Repo, table: Table) -> tuple[list[str], str]:
    name = f"{table.entity}_list"
    shown = ", ".join(f'"{field_name(c)}"' for c in some(repo, table, 2, 5))
    cond = f'status="{table.statuses[0]}", ' if table.statuses else ""
    return [
        "@require_GET",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        *docstring(f"Latest {table.collection.replace('_', ' ')}, newest first, for the dashboard.", "    "),
        '    days = int(request.GET.get("days", 30))',
        "    since = timezone.now() - timedelta(days=days)",
        "    rows = (",
        f"        {table.model}.objects.filter({cond}created_at__gte=since)",
        '        .order_by("-created_at")',
        f'        .values("id", {shown})[:200]',
        "    )",
        f'    return JsonResponse({{"{table.collection}": list(rows)}})',
    ], name


def _view_detail(repo: Repo, table: Table) -> tuple[list[str], str]:
    name = f"{table.entity}_detail"
    cols = some(repo, table, 2, 4)
    pairs = ", ".join(f'"{field_name(c)}": str(obj.{field_name(c)})' for c in cols)
    return [
        "@require_GET",
        f"def {name}(request: HttpRequest, pk: int) -> JsonResponse:",
        f"    obj = get_object_or_404({table.model}, pk=pk)",
        f'    return JsonResponse({{"id": obj.pk, {pairs}}})',
    ], name


def _view_create(repo: Repo, table: Table) -> tuple[list[str], str]:
    name = f"create_{table.entity}"
    cols = [c for c in some(repo, table, 2, 4) if c.kind != "fk"]
    args = [f'        {c.name}=payload.get("{c.name}", {value_expr(table, c)}),' for c in cols]
    return [
        "@require_POST",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        '    payload = json.loads(request.body or b"{}")',
        f"    obj = {table.model}.objects.create(",
        *args,
        "    )",
        '    return JsonResponse({"id": obj.pk}, status=201)',
    ], name


def _view_transition(repo: Repo, table: Table) -> tuple[list[str], str]:
    if not table.statuses:
        return _view_detail(repo, table)
    first, target = table.statuses[0], table.statuses[-1]
    name = f"close_{table.entity}"
    return [
        "@require_POST",
        f"def {name}(request: HttpRequest, pk: int) -> JsonResponse:",
        *docstring(f"Moves a {first} {table.entity.replace('_', ' ')} to {target}; a no-op for any other status.", "    "),
        f'    changed = {table.model}.objects.filter(pk=pk, status="{first}").update(',
        f'        status="{target}", updated_at=timezone.now()',
        "    )",
        '    return JsonResponse({"changed": changed})',
    ], name


def _view_export(repo: Repo, table: Table) -> tuple[list[str], str]:
    name = f"export_{table.collection}"
    cols = some(repo, table, 3, 5)
    header = ", ".join(f'"{c.name}"' for c in cols)
    fields = ", ".join(f'"{field_name(c)}"' for c in cols)
    return [
        f"def {name}(request: HttpRequest) -> HttpResponse:",
        *docstring(f"CSV of every {table.entity.replace('_', ' ')} for the finance team.", "    "),
        '    response = HttpResponse(content_type="text/csv")',
        f"    response[\"Content-Disposition\"] = 'attachment; filename=\"{table.collection}.csv\"'",
        "    writer = csv.writer(response)",
        f"    writer.writerow([{header}])",
        f'    for row in {table.model}.objects.order_by("id").values_list({fields}).iterator():',
        "        writer.writerow(row)",
        "    return response",
    ], name


def _view_stats(repo: Repo, table: Table) -> tuple[list[str], str]:
    money = next((c for c in table.columns if c.kind in ("money", "int") and c.name != "id"), None)
    if not table.statuses or money is None:
        return _view_list(repo, table)
    name = f"{table.entity}_stats"
    return [
        "@require_GET",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        "    rows = (",
        f'        {table.model}.objects.values("status")',
        f'        .annotate(count=Count("id"), total=Sum("{money.name}"))',
        '        .order_by("status")',
        "    )",
        '    return JsonResponse({"by_status": list(rows)})',
    ], name


def _viewset(repo: Repo, table: Table) -> tuple[list[str], str]:
    fk = next((c for c in table.columns if c.kind == "fk"), None)
    query = f'{table.model}.objects.select_related("{field_name(fk)}")' if fk else f"{table.model}.objects.all()"
    return [
        f"class {table.model}ViewSet(viewsets.ModelViewSet):",
        f"    queryset = {query}",
        f"    serializer_class = {table.model}Serializer",
        "    permission_classes = [permissions.IsAuthenticated]",
        "",
        "    def get_queryset(self):",
        "        queryset = super().get_queryset()",
        '        if "since" in self.request.query_params:',
        '            queryset = queryset.filter(created_at__gte=self.request.query_params["since"])',
        "        return queryset",
    ], ""


def _view_search(repo: Repo, table: Table) -> tuple[list[str], str]:
    text = [c for c in table.columns if c.kind in ("code", "email", "text")][:2]
    if not text:
        return _view_list(repo, table)
    name = f"search_{table.collection}"
    cond = " | ".join(f"Q({c.name}__icontains=term)" for c in text)
    shown = ", ".join(f'"{field_name(c)}"' for c in some(repo, table, 2, 4))
    return [
        "@require_GET",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        *docstring(f"Type-ahead search over {table.collection.replace('_', ' ')}; 20 results a page.", "    "),
        '    term = request.GET.get("q", "").strip()',
        "    if len(term) < 2:",
        '        return JsonResponse({"results": [], "pages": 0})',
        f"    queryset = {table.model}.objects.filter({cond}).order_by(\"-created_at\")",
        "    paginator = Paginator(queryset, 20)",
        '    page = paginator.get_page(request.GET.get("page"))',
        f'    results = [{{"id": obj.pk, **{{f: getattr(obj, f) for f in ({shown},)}}}} for obj in page]',
        '    return JsonResponse({"results": results, "pages": paginator.num_pages}, json_dumps_params={"default": str})',
    ], name


def _view_daily(repo: Repo, table: Table) -> tuple[list[str], str]:
    name = f"{table.entity}_per_day"
    return [
        "@require_GET",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        *docstring(f"How many {table.collection.replace('_', ' ')} were created each day of the last month.", "    "),
        "    since = timezone.now() - timedelta(days=30)",
        "    rows = (",
        f"        {table.model}.objects.filter(created_at__gte=since)",
        '        .annotate(day=TruncDate("created_at"))',
        '        .values("day")',
        '        .annotate(count=Count("id"))',
        '        .order_by("day")',
        "    )",
        '    return JsonResponse({"days": [{"day": str(r["day"]), "count": r["count"]} for r in rows]})',
    ], name


def _view_bulk(repo: Repo, table: Table) -> tuple[list[str], str]:
    flag = next((c for c in table.columns if c.kind == "bool"), None)
    if flag is None:
        return _view_transition(repo, table)
    name = f"bulk_flag_{table.collection}"
    return [
        "@require_POST",
        f"def {name}(request: HttpRequest) -> JsonResponse:",
        '    ids = [int(i) for i in json.loads(request.body or b"[]")]',
        f"    objs = list({table.model}.objects.filter(id__in=ids))",
        "    for obj in objs:",
        f"        obj.{flag.name} = True",
        f'    {table.model}.objects.bulk_update(objs, ["{flag.name}"], batch_size=200)',
        '    return JsonResponse({"updated": len(objs)})',
    ], name


_VIEW_SHAPES = (
    _view_list, _view_detail, _view_create, _view_transition, _view_export, _view_stats, _viewset, _view_search,
    _view_daily, _view_bulk,
)  # fmt: skip


def urls_py(app: str, views: list[str]) -> str:
    """urls.py routing every function view, namespaced by the app."""
    out = ["from django.urls import path", "", f"from {app} import views", "", f'app_name = "{app}"', "", "urlpatterns = ["]
    for name in views:
        arg = "<int:pk>/" if name.endswith(("_detail",)) or name.startswith("close_") else ""
        out.append(f'    path("{name.replace("_", "-")}/{arg}", views.{name}, name="{name}"),')
    out.append("]")
    return render(out)
