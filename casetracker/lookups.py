"""``field__any=[ids]``: membership in a list of whole numbers, bound as one parameter.

``field__in=[…]`` sends one ``%s`` per element: for a page of 500 cases Django prepared and
psycopg quoted every id of every child query (~10 ms of a 500-row API page, issue 7). On
PostgreSQL ``field = ANY(%s)`` binds the whole list as one array; elsewhere it is the same
``IN (…)`` as before. Like ``__in``, an empty list matches nothing without a query.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class AnyInt(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(v) for v in self.rhs]  # whole numbers only: ids, never text

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", (*lhs_params, *self.rhs)


models.IntegerField.register_lookup(AnyInt)
models.ForeignKey.register_lookup(AnyInt)
