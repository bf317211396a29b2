"""A database that refuses audit entries: the fault injected to show that nothing is half-saved
and nothing is witnessed when the audit row cannot be written."""

from __future__ import annotations

from sqlalchemy import text

from routecare.storage.database import Database


def refuse_audit_entries(database: Database) -> None:
    """From now on every INSERT into audit_entries fails with 'disk full'."""
    with database.transaction() as session:
        if database.is_sqlite:
            session.execute(
                text(
                    "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_entries "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
            )
        else:
            session.execute(
                text(
                    "CREATE FUNCTION fail_audit() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
                )
            )
            session.execute(
                text(
                    "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_entries "
                    "FOR EACH ROW EXECUTE FUNCTION fail_audit()"
                )
            )
