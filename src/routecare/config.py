"""One place for every setting, read from the environment (prefix ``ROUTECARE_``).

No setting has a secret default: keys live in a keyring file or in the environment, never in
code, so a deployment that forgot its keys fails loudly instead of running with a known one.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from routecare.auth.roles import Role


class Settings(BaseSettings):
    """Deployment settings; every field documents itself for `routecare --help` readers."""

    model_config = SettingsConfigDict(env_prefix="ROUTECARE_", extra="ignore")

    data_dir: Path = Field(
        Path("data"),
        description="Directory holding the SQLite database, the keyring file and uploads.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; empty means the embedded SQLite file in the data directory. "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname",
    )
    keyring_file: Path | None = Field(
        None,
        description="Keyring JSON (master, audit and index keys); default DATA_DIR/keyring.json.",
    )
    keyring: str | None = Field(
        None,
        description="The keyring JSON itself, for deployments keeping secrets in the environment.",
    )
    keystore_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the key store (every data key and erasure tombstone); "
        "empty means DATA_DIR/keystore.sqlite3. Never the main database: its backups must not "
        "hold keys.",
    )
    key_rotation_batch_size: int = Field(
        500, ge=1, description="Data keys re-wrapped per transaction by `routecare keys rotate`."
    )
    audit_witness_file: Path | None = Field(
        None,
        description="Append-only file that receives every committed audit entry's MAC, so "
        "`routecare audit verify` detects entries deleted or rewritten in the database; default "
        "DATA_DIR/audit-witness.log. Keep it where database administrators cannot write.",
    )
    session_idle_minutes: int = Field(30, description="A web session ends after this idle time.")
    session_absolute_hours: int = Field(12, description="A web session ends this long after login.")
    login_max_failures: int = Field(
        5,
        ge=1,
        description="Failed logins (passwords or second-factor codes) allowed per window for one "
        "account from one source address; beyond it that address is refused for the window.",
    )
    login_window_minutes: int = Field(
        15, ge=1, description="Window over which failed logins count; older ones are purged."
    )
    login_source_max_failures: int = Field(
        50,
        ge=1,
        description="Failed logins allowed per window from one source address over all accounts "
        "(password spraying); beyond it the address is refused for the window.",
    )
    login_account_max_failures: int = Field(
        20,
        ge=1,
        description="Failed logins per window on one account from all addresses after which "
        "addresses that have failed on it wait an exponential backoff (see login_backoff_cap_"
        "minutes); an address with no failure on the account is not slowed by this limit.",
    )
    login_global_max_failures: int = Field(
        1000,
        ge=1,
        description="Failed logins per window over the whole deployment after which every login "
        "is refused for a minute (a circuit breaker against floods).",
    )
    login_backoff_cap_minutes: int = Field(
        15, ge=1, description="Longest backoff one account's failures can impose."
    )
    password_check_concurrency: int = Field(
        4,
        ge=1,
        description="Password hashes verified at once (each Argon2id check takes 64 MiB): a flood "
        "of logins waits instead of exhausting memory.",
    )
    token_days: int = Field(
        90, ge=1, description="Days an API token stays valid unless issued with --expires-in."
    )
    two_factor_required: bool = Field(
        True,
        description="Require a time-based one-time code (TOTP) at sign-in for the roles in "
        "two_factor_roles; off only for demonstrations.",
    )
    time_zone: str = Field(
        "UTC",
        description="IANA time zone the pages show times in (e.g. Africa/Niamey): one deployment "
        "serves one country. Times are stored in UTC whatever it says.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {name!r}: use an IANA name") from error
        return name

    two_factor_roles: list[Role] = Field(
        [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER, Role.COORDINATOR],
        description="Roles that must enrol a one-time-code app before anything else (JSON list).",
    )
    max_body_bytes: int = Field(
        6 * 1_048_576,
        description="Requests with larger bodies are refused with 413 (room for a 5 MiB "
        "document upload and its form fields).",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        [],
        description="Addresses or networks of the reverse proxies in front of the server (JSON "
        'list, e.g. ["10.0.0.5", "10.1.0.0/24"]): only a request from one of them has its '
        "X-Forwarded-For read, and the client is the right-most address in it that is not a "
        "trusted proxy. Login throttling counts per client address; empty, every client is "
        "the address that connects (behind a proxy, the proxy's, shared by all).",
    )
    secure_cookies: bool = Field(True, description="Send cookies only over HTTPS (or localhost).")
    idempotency_retention_days: int = Field(
        30,
        ge=1,
        description="Idempotency keys older than this are deleted by `routecare db "
        "purge-idempotency-keys`; a retry arriving later creates a new record.",
    )
    observatory_k: int = Field(
        11,
        ge=2,
        description="Smallest count an aggregate may show (CTDC's k = 11): cells from 1 to k-1 "
        "are suppressed, with the cells that would let a reader recompute them.",
    )
    observatory_k_by_country: dict[str, int] = Field(
        {},
        description='Per-country k overriding observatory_k (JSON, e.g. {"MLT": 20}); a '
        "value below observatory_k is ignored, so no country publishes smaller cells.",
    )

    def k_for(self, country: str | None) -> int:
        """The k in force for aggregates about `country`."""
        return max(self.observatory_k, self.observatory_k_by_country.get(country or "", 0))

    observatory_privacy_budget: float = Field(
        1.0,
        gt=0,
        description="Total epsilon that noisy observatory releases may spend on one dataset "
        "(the fact store, or one facts file); a release past it is refused.",
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in force: the configured one or the data directory's SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'routecare.sqlite3').resolve()}"

    @property
    def audit_witness_path(self) -> Path:
        """Where the audit witness file lives."""
        return self.audit_witness_file or self.data_dir / "audit-witness.log"

    @property
    def keyring_path(self) -> Path:
        """Where the keyring file lives when it is not given through the environment."""
        return self.keyring_file or self.data_dir / "keyring.json"
