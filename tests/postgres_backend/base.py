"""Django's PostgreSQL backend, with the flush that ends each transactional test made of
DELETEs instead of one TRUNCATE.

TRUNCATE gives each of the project's ninety-odd tables (and their indexes) new files,
about a second per test; DELETE on the few rows a test leaves takes milliseconds. Django
creates its foreign keys DEFERRABLE INITIALLY DEFERRED and runs the flush in one
transaction, so the order of the DELETEs does not matter. The content types and
permissions stay: the post_migrate signal after each flush would only write them again.
Tests only: `tests/settings.py`.
"""

from typing import Any

from django.db.backends.postgresql import base, operations

KEPT_TABLES = frozenset({"django_content_type", "auth_permission"})


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            f"DELETE FROM {self.quote_name(table)};" for table in tables if table not in KEPT_TABLES
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
