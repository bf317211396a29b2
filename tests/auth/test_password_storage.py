"""A copy of the database holds an Argon2id hash at production cost, never the password.

The rest of the suite hashes with a test profile (tests/conftest.py), so this test runs the
CLI as a separate process, where the production hasher is the one in force.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import argon2
from argon2 import profiles

PASSWORD = "a long admin password"


def test_a_database_copy_holds_a_production_cost_hash_and_no_password(tmp_path: Path) -> None:
    env = {**os.environ, "ROUTECARE_DATA_DIR": str(tmp_path), "ROUTECARE_ADMIN_PASSWORD": PASSWORD}
    env.pop("ROUTECARE_DATABASE_URL", None)  # the embedded default, a file we can copy
    command = "import sys; from routecare.cli import main; sys.argv = sys.argv[1:]; main()"
    for arguments in (
        ["db", "upgrade"],
        ["users", "create-admin", "ministry_admin", "--organisation", "Niger Ministry of Justice"]
        + ["--country", "NER"],
    ):
        subprocess.run(
            [sys.executable, "-c", command, "routecare", *arguments],
            env=env,
            check=True,
            capture_output=True,
        )
    database = next(tmp_path.rglob("*.sqlite3"))
    assert PASSWORD.encode() not in database.read_bytes()

    copy = sqlite3.connect(database)
    (stored,) = copy.execute("SELECT password_hash FROM users").fetchone()
    copy.close()
    assert argon2.extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    assert argon2.PasswordHasher().verify(stored, PASSWORD)
