"""The salt of the personal-data hashes, handed to the database session without passing through dbt.

The models hash emails and phones with ``pii_hash()`` (macros/pii_hash.sql), which reads the salt from
the database session, never from a literal: a value rendered by Jinja would be written to the compiled
SQL, ``manifest.json``, ``partial_parse.msgpack`` (dbt records the env vars it reads) and ``dbt.log``.

- DuckDB: this module is a dbt-duckdb plugin (``plugins:`` of the duckdb output in profiles.yml). It
  reads ``CRM_PII_SALT`` in Python and runs ``SET VARIABLE crm_pii_salt = ?`` (a bound parameter,
  logged nowhere) on the connection and on every cursor dbt-duckdb hands out: DuckDB variables belong
  to one connection, and each dbt thread, hook and test works on its own cursor.
- PostgreSQL: the session setting ``crm.pii_salt``, given at connection start through libpq's
  ``PGOPTIONS`` (``postgres_options()`` builds the value). dbt-postgres passes its own ``options`` only
  when the profile sets ``search_path``, which ours does not, so libpq takes PGOPTIONS.

``CRM_PII_SALT`` unset means the public demo salt ``crm-warehouse-local-salt``; set but empty (or only
spaces) is an error, never a hash with an empty salt.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_VARIABLE = "CRM_PII_SALT"
DEMO_SALT = "crm-warehouse-local-salt"
DUCKDB_VARIABLE = "crm_pii_salt"
POSTGRES_SETTING = "crm.pii_salt"


class SaltError(RuntimeError):
    """CRM_PII_SALT is set but empty."""


def pii_salt(environ: dict[str, str] | None = None) -> str:
    """The salt: CRM_PII_SALT, the demo salt when it is unset; an empty value raises SaltError."""
    env = os.environ if environ is None else environ
    if SALT_VARIABLE not in env:
        return DEMO_SALT
    salt = env[SALT_VARIABLE]
    if not salt.strip():
        raise SaltError(
            f"{SALT_VARIABLE} is set but empty: unset it to use the demo salt, or set your own secret salt;"
            " the email and phone hashes are never computed with an empty salt"
        )
    return salt


def postgres_options(salt: str) -> str:
    """The PGOPTIONS value that sets crm.pii_salt for every PostgreSQL session (spaces and backslashes escaped)."""
    escaped = salt.replace("\\", "\\\\").replace(" ", "\\ ")
    return f"-c {POSTGRES_SETTING}={escaped}"


def set_salt(cursor: Any) -> None:
    cursor.execute(f"set variable {DUCKDB_VARIABLE} = ?", [pii_salt()])


class Plugin(BasePlugin):
    """dbt-duckdb plugin: sets the DuckDB variable crm_pii_salt on the connection and on every cursor."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        pii_salt()  # fail at connection time, with the message above, when the salt is empty

    def configure_connection(self, conn: Any) -> None:
        set_salt(conn)

    def configure_cursor(self, cursor: Any) -> None:
        set_salt(cursor)
