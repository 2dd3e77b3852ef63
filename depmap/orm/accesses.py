"""ORM operations and exposures -> concrete accesses of tables and columns.

`Order.objects.filter(customer__email=x)` reads `sales_order.customer_id` (the join) and
`customers_customer.email`; `customer.orders.filter(status="paid")` reads `sales_order.status`
and the foreign key that ties the orders to the customer. Lookups are walked field by field
through forward and reverse relations; Django's lookup suffixes (`__in`, `__gte`, `__date`…) end a
path. What cannot be tied to a model is kept at low confidence with the reason, never guessed
silently; a name that is plainly not a model (a class of the project that is no model) is dropped.

Each column carries the line of its first reference: the line of the field reference that reaches
it (`extra["field_lines"]` of the ORM fact; the fact's line when absent), the earliest when several
do (`customer__email` gives `customer_id` and `email` its line). A column no reference names (the
join of a related manager, every column of a Django INSERT) is at the fact's line. The ACCESS fact
lists the others in `extra["column_lines"]`, as SQL usages do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from depmap.model import ACCESS, EXPOSURE, HIGH, LOW, MEDIUM, READ, WRITE, Fact, weaker
from depmap.orm.registry import Field, Model, Registry, Resolution, auto_through
from depmap.orm.symbols import ORM_ATTRIBUTE, ORM_LOAD

DJANGO_LOOKUPS = frozenset(
    """exact iexact contains icontains in gt gte lt lte startswith istartswith endswith iendswith
    range date year iso_year month day week week_day iso_week_day quarter time hour minute second
    isnull regex iregex search trigram_similar unaccent lower upper len overlap contained_by
    has_key has_keys has_any_keys keys values""".split()
)


class AccessResolver:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._named: dict[tuple[int, str], Field | None] = {}  # `_field`'s answers

    # -- ORM operations ------------------------------------------------------------------------------

    def orm_access(self, fact: Fact) -> list[Fact]:
        extra = fact.extra
        binding = extra.get("table_binding")
        if binding:
            table = self.registry.bindings.get(binding)
            if table is None:
                return []
            columns = [ref.lstrip("-") for ref in extra.get("fields") or []]
            lines = _Lines(fact)
            for ref in extra.get("fields") or []:
                lines.add(table, ref.lstrip("-"), ref)
            return [self._concrete(fact, table, columns, fact.confidence, {}, lines)]
        if extra.get("by_accessor") and not extra.get("model"):
            return self._by_accessor(fact)
        if extra.get("queryset") and not extra.get("model"):
            resolution = self.registry.resolve_queryset(extra["queryset"])
            if resolution.model is not None:  # the queryset's own method: as sure as its manager
                fact = replace(fact, confidence=HIGH)
        else:
            resolution = self.registry.resolve(extra.get("model") or extra.get("model_name"))
        if resolution.model is None:
            return self._unresolved(fact, resolution)
        return self._resolved(fact, resolution)

    def _unresolved(self, fact: Fact, resolution: Resolution) -> list[Fact]:
        builtin = self.registry.builtin_table(fact.extra.get("model"))
        if builtin is not None:
            columns = [ref.lstrip("-").split("__")[0] for ref in fact.extra.get("fields") or []]
            lines = _Lines(fact)
            for ref in fact.extra.get("fields") or []:
                lines.add(builtin, ref.lstrip("-").split("__")[0], ref)
            return [self._concrete(fact, builtin, columns, fact.confidence, {}, lines)]
        facts = []
        for qualname in resolution.candidates:  # several models of that name: list each, unsure
            model = self.registry.models[qualname]
            if model.table:
                note = {"reason": resolution.reason, "candidates": list(resolution.candidates)}
                facts.append(self._concrete(fact, model.table, [], LOW, note))
        return facts

    def _by_accessor(self, fact: Fact) -> list[Fact]:
        """`board.tasks.filter()` with `board` of unknown class: the models that have a to-many
        relation named `tasks`. One model: as sure as medium, saying so; several: each, unsure."""
        accessor = (fact.extra.get("relation") or [""])[0]
        owners = self.registry.accessor_owners(accessor)
        facts = []
        candidates = ", ".join(sorted(o.class_name for o in owners))
        for owner in owners:
            if len(owners) == 1:
                reason = f"taken for {owner.class_name}.{accessor}: the only model with a relation `{accessor}`"
                resolution = Resolution(owner, MEDIUM, reason)
            else:
                resolution = Resolution(owner, LOW, f"several models have a relation `{accessor}` ({candidates})")
            extra = {**fact.extra, "inferred_from": f"relation name `{accessor}`"}
            inferred = Fact(fact.kind, fact.table, fact.location, fact.columns, fact.access, fact.detail, fact.via, fact.confidence, fact.snippet, extra)
            facts.extend(self._resolved(inferred, resolution))
        return facts

    def _attribute(self, fact: Fact, resolution: Resolution) -> list[Fact]:
        """`task.state` (or `line.order` through the relation that holds `line`): a read of the
        column the attribute is, with no join; methods, properties and to-many relations are none."""
        model = resolution.model
        for name in fact.extra.get("relation") or []:
            step = self._follow(model, name) if model is not None else None
            model = step[0] if step is not None else None
        name = (fact.extra.get("fields") or [""])[0]
        if model is None or not model.table:
            return []
        model = model.stored
        fields = model.fields.values()
        if name == "pk":
            field = next((f for f in fields if f.spec.get("primary_key")), None)
        else:  # `line.order_id`: a foreign key read by its column name
            field = model.fields.get(name) or next((f for f in fields if f.column == name and f.is_relation), None)
        if field is None or not field.column:
            return []
        if fact.access == WRITE and model.framework != "django":
            return []  # SQLAlchemy's unit of work: its scanner reports `invoice.status = x` as the update it becomes
        note: dict[str, Any] = {"model": model.qualname, **({"reason": resolution.reason} if resolution.reason else {})}
        return [self._concrete(fact, model.table, [field.column], weaker(fact.confidence, resolution.confidence), note)]

    def _resolved(self, fact: Fact, resolution: Resolution) -> list[Fact]:
        if fact.detail == ORM_ATTRIBUTE:
            return self._attribute(fact, resolution)
        model = resolution.model
        assert model is not None
        confidence = weaker(fact.confidence, resolution.confidence)
        note: dict[str, Any] = {"model": model.qualname}
        if resolution.reason:
            note["reason"] = resolution.reason
        joins: list[tuple[str, str]] = []
        for name in fact.extra.get("relation") or []:  # customer.orders -> Order, joined on customer_id
            step = self._follow(model, name)
            if step is None:
                return []
            model, join = step
            joins = [join] if join else []  # a related manager filters on its own foreign key alone
        if fact.extra.get("held"):
            joins = []  # an instance reached through relations: its save or refresh names its own row
        if not model.table:
            return []
        model = model.stored
        touched: dict[str, list[str]] = {model.table: []}
        unknown: list[str] = []
        # Django's INSERT lists every concrete field, set or defaulted: a create writes them all.
        inserts_every_field = model.framework == "django" and fact.detail == "orm_create"
        if fact.extra.get("all_fields") or inserts_every_field:
            touched[model.table].extend(model.columns)
        aliases = set(fact.extra.get("aliases") or [])
        lines = _Lines(fact)
        for ref in fact.extra.get("fields") or []:
            known = len(unknown)
            for table, column in self.lookup(model, ref, aliases, unknown):
                lines.add(table, column, ref)
                touched.setdefault(table, [])
                if column not in touched[table]:
                    touched[table].append(column)
            for part in unknown[known:]:
                lines.add(model.table, part, ref)
        for table, column in joins:
            touched.setdefault(table, [])
            if column not in touched[table]:
                touched[table].append(column)
        for path in fact.extra.get("related") or []:  # select_related/prefetch_related load rows whole
            for loaded in self.loaded(model, path):
                columns = touched.setdefault(loaded.table, [])
                for column in loaded.columns:
                    lines.add(loaded.table, column, path)
                    if column not in columns:
                        columns.append(column)
        if inserts_every_field:
            explicit = [c for ref in fact.extra.get("fields") or [] for t, c in self.lookup(model, ref, aliases, []) if t == model.table]
            note["set_columns"] = explicit
        named = touched.pop(model.table)
        facts = [self._concrete(fact, model.table, named, confidence, note, lines)]
        if fact.extra.get("rows") and fact.access == READ:  # the rest of each row it loads
            rest = [column for column in model.columns if column not in named]
            if rest:
                facts.append(self._concrete(fact, model.table, rest, confidence, {**note, "loads": "the whole row"}, detail=ORM_LOAD))
        for table, columns in touched.items():  # tables reached through relations are read
            facts.append(self._concrete(fact, table, columns, confidence, note, lines, access=READ, detail="orm_query"))
        if unknown:
            why = {**note, "reason": f"not a field of {model.class_name}: {', '.join(unknown)}"}
            facts.append(self._concrete(fact, model.table, unknown, LOW, why, lines))
        return facts

    def _follow(self, model: Model, name: str) -> tuple[Model, tuple[str, str] | None] | None:
        """One step of a related-manager path: forward relation field, or reverse relation; the
        join is the foreign key the rows are filtered on (a many-to-many's, in its join table)."""
        forward = model.fields.get(name)
        if forward is not None and forward.is_relation:
            target = self.registry.resolve_relation(forward.spec.get("related_model"), model)
            if target is None:
                return None
            through = self.through(model, forward, target)
            return target, (through[0] if through else None)
        reverse = self.registry.reverse_relation(model, name)
        if reverse is None:
            return None
        other, field = reverse
        if field.kind == "many_to_many":
            through = self.through(other, field, model)
            return other, (through[-1] if through else None)
        return other, ((other.table, field.column) if other.table and field.column else None)

    def through(self, owner: Model, field: Field, target: Model) -> list[tuple[str, str]]:
        """The join table of a Django many-to-many and its two foreign keys, the owner's first:
        the automatic one (`registry.auto_through`), or the `through` model's table and its keys."""
        if field.kind != "many_to_many" or owner.framework != "django" or not owner.table:
            return []
        if field.spec.get("through"):
            through = self.registry.resolve_relation(field.spec["through"], owner)
            if through is None or not through.table:
                return []
            keys = {id(self.registry.resolve_relation(f.spec.get("related_model"), through)): f.column
                    for f in through.fields.values() if f.kind == "foreign_key" and f.column}  # fmt: skip
            return [(through.table, keys[id(m)]) for m in (owner, target) if id(m) in keys]
        table, source, other = auto_through(owner, field, target)
        return [(table, source), (table, other)]

    def loaded(self, model: Model, path: str) -> list[Model]:
        """The models whose rows a `select_related`/`prefetch_related` path loads, hop by hop
        (`"lines__product"`: the order lines and their products), every column of each."""
        found: list[Model] = []
        current = model
        for part in path.split("__"):
            step = self._follow(current, part)
            if step is None:
                break
            current = step[0].stored
            if current.table and current is not model:
                found.append(current)
        return found

    def lookup(self, model: Model, ref: str, aliases: set[str], unknown: list[str]) -> list[tuple[str, str]]:
        """(table, column) pairs a field reference touches, joins included."""
        ref = ref.lstrip("-")
        if not ref or ref == "?" or ref in aliases:
            return []
        parts = ref.split("__") if model.framework == "django" else [ref]
        touched: list[tuple[str, str]] = []
        current = model
        for index, part in enumerate(parts):
            rest = parts[index + 1 :]
            if part == "pk":
                part = next((f.name for f in current.fields.values() if f.spec.get("primary_key")), "id")
            field = self._field(current, part)
            if field is not None:
                if field.column and current.table:
                    touched.append((current.table, field.column))
                target = self.registry.resolve_relation(field.spec.get("related_model"), current) if field.is_relation else None
                if target is not None:  # `tags__label`: through the join table
                    touched.extend(self.through(current, field, target))
                if field.is_relation and rest and rest[0] not in DJANGO_LOOKUPS:
                    if target is None or not target.table:
                        return touched
                    current = target
                    continue
                return touched
            reverse = self.registry.reverse_relation(current, part)
            if reverse is not None:
                other, relation = reverse
                if other.table and relation.column:
                    touched.append((other.table, relation.column))
                touched.extend(reversed(self.through(other, relation, current)))
                current = other
                if not rest or rest[0] in DJANGO_LOOKUPS:
                    return touched
                continue
            if index == 0 and part not in aliases:
                unknown.append(part)
            return touched
        return touched

    def _field(self, model: Model, part: str) -> Field | None:
        """The field a lookup's part names: by name, else by column (`order_id`); each found once
        (a search of the model's fields, asked for most parts of every lookup)."""
        key = (id(model), part)
        if key not in self._named:
            self._named[key] = model.fields.get(part) or next((f for f in model.fields.values() if f.column == part), None)
        return self._named[key]

    # -- exposures -----------------------------------------------------------------------------------

    def exposure(self, fact: Fact) -> list[Fact]:
        resolution = self.registry.resolve(fact.extra.get("model") or fact.extra.get("model_name"))
        model = resolution.model
        if model is None or not model.stored.table:
            return []
        model = model.stored
        listed = fact.extra.get("fields")
        excluded = set(fact.extra.get("exclude") or [])
        if listed == "__all__" or (listed is None and fact.extra.get("automatic")):
            names = [f.name for f in model.fields.values() if f.name not in excluded]
        else:
            names = [name for name in listed or [] if name not in excluded]
        columns = [model.fields[n].column for n in names if n in model.fields and model.fields[n].column]
        confidence = weaker(fact.confidence, resolution.confidence)
        note: dict[str, Any] = {"model": model.qualname, "automatic": bool(fact.extra.get("automatic"))}
        if excluded:  # the field names kept out: a new column of one of these names stays out too
            note["exclude"] = sorted(excluded)
        return [self._concrete(fact, model.table, columns, confidence, note, kind=EXPOSURE)]

    @staticmethod
    def _concrete(
        fact: Fact, table: str, columns: list[str], confidence: str, note: dict[str, Any], lines: _Lines | None = None, *,
        kind: str = ACCESS, access: str | None = None, detail: str | None = None,
    ) -> Fact:
        """The access `fact` makes of `table`; `access` and `detail` the fact's own unless given.
        Built whole: `dataclasses.replace` doubled the cost of resolving an ORM fact."""
        extra = {k: v for k, v in fact.extra.items() if k in ("reason", "statement", "inferred_from", "lines")}
        extra.update(note)
        if lines is not None and (named := lines.of(table, columns)):
            extra["column_lines"] = named
        return Fact(kind, table, fact.location, tuple(columns), access or fact.access, detail or fact.detail, fact.via, confidence, fact.snippet, extra)


class _Lines:
    """The first line of each (table, column) the field references of one ORM fact reach."""

    def __init__(self, fact: Fact) -> None:
        self.line = fact.location.line
        self.field_lines: dict[str, int] = fact.extra.get("field_lines") or {}
        self.first: dict[tuple[str, str], int] = {}

    def add(self, table: str | None, column: str, ref: str) -> None:
        if table:
            line = self.field_lines.get(ref, self.line)
            self.first[(table, column)] = min(line, self.first.get((table, column), line))

    def of(self, table: str, columns: list[str]) -> dict[str, int]:
        """{column: line} for the columns first named on another line than the fact's."""
        found = {column: self.first.get((table, column), self.line) for column in columns}
        return {column: line for column, line in found.items() if line != self.line}


__all__ = ["AccessResolver", "DJANGO_LOOKUPS", "HIGH"]
