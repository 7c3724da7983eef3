"""Gateway settings, read from the environment (prefix ``GATEWAY_``) or ``.env``."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from documents.limits import (
    AgencyLimits,
    AnonymousLimits,
    CallerKind,
    Limits,
    StaffLimits,
)

ROOT = Path(__file__).resolve().parent


class Mode(StrEnum):
    """Demo runs everything itself; production needs its database and issuer given."""

    DEMO = "demo"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """A setting is missing or contradicts the mode; the message is one line."""


class Settings(BaseSettings):
    """Every setting the gateway reads; the README's configuration table lists them."""

    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", env_file=".env", extra="ignore", frozen=True
    )

    mode: Mode = Mode.DEMO
    # DATABASE_URL is the conventional name; GATEWAY_DATABASE_URL works too.
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "database_url", "DATABASE_URL", "GATEWAY_DATABASE_URL"
        ),
    )
    data_dir: Path = ROOT / ".data"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str = "case-gateway"
    oidc_algorithms: tuple[str, ...] = ("RS256", "PS256", "ES256", "EdDSA")
    oidc_leeway_seconds: int = 30
    oidc_jwks_min_refresh_seconds: float = 30.0
    oidc_jwks_max_age_seconds: float = 3600.0
    oidc_allow_insecure_http: bool | None = None
    oidc_token_types: tuple[str, ...] = ("at+jwt", "application/at+jwt")
    #: The longest lifetime (``exp - iat``) of a token the gateway accepts.
    oidc_max_token_lifetime_seconds: int = 86400
    read_scope: str = "cases:read"
    write_scope: str = "cases:write"
    link_max_failures_per_subject: int = 5
    link_max_failures_per_case: int = 10
    link_lockout_minutes: int = 15
    link_case_lockout_hours: int = 24
    db_pool_size: int = 10
    db_max_overflow: int = 10
    #: PostgreSQL's ``statement_timeout``: a statement running longer is
    #: cancelled by the server and the request ends with ``TIMEOUT``.
    db_statement_timeout_seconds: float = 5.0
    #: asyncpg's own limit per command, a little above the server's: it ends
    #: the wait on a server that does not answer at all (frozen).
    db_command_timeout_seconds: float = 6.0
    db_connect_timeout_seconds: float = 5.0
    #: How long a request waits for a pooled connection before 503.
    db_pool_timeout_seconds: float = 5.0
    #: Check each pooled connection with a round trip before use. Off: a
    #: connection found dead (the database restarted) refreshes the pool, and
    #: reads are tried once more.
    db_pre_ping: bool = False
    #: ``/readyz`` answers within this, whatever hangs.
    readyz_timeout_seconds: float = 2.0
    #: Each request to the OIDC issuer (discovery, JWKS).
    oidc_http_timeout_seconds: float = 5.0
    #: The whole GraphQL request, from the body to the response.
    request_timeout_seconds: float = 15.0
    max_page_size: int = 100
    #: How long a process serves the Help content from memory before reading
    #: it again.
    help_content_max_age_seconds: float = 300.0
    # what one request may ask, per kind of caller (documents/limits.py);
    # each is JSON, e.g. GATEWAY_LIMITS_PERSON='{"max_cost": 30000}'
    limits_anonymous: AnonymousLimits = AnonymousLimits()
    limits_person: Limits = Limits()
    limits_staff: StaffLimits = StaffLimits()
    limits_agency: AgencyLimits = AgencyLimits()
    #: What the cost estimate assumes an unpaginated list holds.
    cost_list_estimate: int = 10
    # request rates (ratelimits/): token buckets, "rate per second/burst"
    #: None or "postgresql" keeps the buckets in the gateway's database; a
    #: redis:// URL keeps them in Redis.
    rate_limit_store: str | None = None
    rate_limit_anonymous: str = "2/20"
    rate_limit_person: str = "10/60"
    rate_limit_staff: str = "30/200"
    rate_limit_agency: str = "30/200"
    #: Every request from one client address, whoever makes it.
    rate_limit_address: str = "50/300"
    #: Past this, the store is skipped and the request allowed (fail open).
    rate_limit_timeout_seconds: float = 0.5
    #: Connections of the limiter's own small engine.
    rate_limit_db_pool_size: int = 4
    #: Requests' worth of tokens a process may take ahead from a busy
    #: bucket in one take of the store (ratelimits/lease.py); 0: one take
    #: per request.
    rate_limit_take_ahead: int = Field(default=64, ge=0)
    # persisted queries and trusted documents (documents/persisted.py, trusted.py)
    #: Apollo's automatic persisted queries, shared by every process.
    persisted_queries: bool = True
    persisted_queries_max_documents: int = 10_000
    #: A manifest built by ``./run build-manifest``; when set, the kinds of
    #: caller in ``trusted_documents_for`` may run its operations only.
    trusted_documents_manifest: Path | None = None
    trusted_documents_for: tuple[CallerKind, ...] = (
        CallerKind.ANONYMOUS,
        CallerKind.PERSON,
    )
    #: Parsed and validated documents each process keeps, by count and by
    #: the documents' total size.
    document_cache_entries: int = 512
    document_cache_bytes: int = 2_000_000
    #: Queries run on the planned path (``execution``) where it applies;
    #: off: Strawberry executes everything.
    planned_execution: bool = True
    #: Plans each process keeps (per document, operation and caller kind).
    execution_plans: int = 256
    #: Run every planned query through Strawberry as well, compare the
    #: answers and audit records, log a difference and answer Strawberry's
    #: (for tests and canaries: it doubles the work).
    execution_check: bool = False
    #: Key of the keyed digests (HMAC-SHA256) of confirmation codes and bank
    #: account numbers; required in production, a fixed key in demo mode.
    digest_key: SecretStr | None = None
    # payments (makePayment)
    payment_max_amount: Decimal = Decimal("25000.00")
    idempotency_key_ttl_hours: int = 24
    #: ``sandbox`` (a processor that behaves like a real one, for demo and
    #: tests); a real processor is plugged in by name (README, "Payments").
    payment_processor: str = "sandbox"
    payment_processor_timeout_seconds: float = 10.0
    #: The sandbox's delay before it answers, to try slow networks.
    sandbox_processor_delay_seconds: float = 0.0
    # contact details and confirmation codes
    confirmation_code_ttl_minutes: int = 15
    confirmation_code_max_attempts: int = 5
    #: Codes sent per party and channel within an hour (a new address or
    #: phone asked for again and again must not become a way to flood it).
    confirmation_codes_per_hour: int = 5
    # messages
    message_max_body_chars: int = 5000
    message_max_subject_chars: int = 200
    messages_per_hour: int = 20
    #: Caseworkers answer many parents: their own, larger hourly limit.
    staff_messages_per_hour: int = 200
    # notification delivery (./run worker)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "Child Support Services <no-reply@case-gateway.example>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    #: One SMTP exchange's limit; the event's row stays locked meanwhile.
    smtp_timeout_seconds: float = 30.0
    #: ``sandbox`` records texts in the database instead of sending them;
    #: ``package.module:factory`` plugs in a provider (``delivery.sms``).
    sms_adapter: str = "sandbox"
    #: How long an idle worker waits before looking for due events again.
    outbox_poll_seconds: float = 1.0
    #: Tries per event before it is dead-lettered (status ``dead``).
    outbox_max_attempts: int = 8
    #: Retry n waits base * 2^(n-1) seconds (with jitter), at most the cap.
    outbox_backoff_base_seconds: float = 2.0
    outbox_backoff_max_seconds: float = 3600.0
    graphiql: bool | None = None
    introspection: bool | None = None
    demo_scale: int = 1
    demo_seed: int = 20261122

    @model_validator(mode="after")
    def _check_mode(self) -> Settings:
        if self.mode is Mode.PRODUCTION:
            if not self.database_url:
                raise SettingsError(
                    "production mode needs DATABASE_URL (the embedded database is "
                    "for demo mode only)"
                )
            if self.digest_key is None or len(self.digest_key.get_secret_value()) < 32:
                raise SettingsError(
                    "production mode needs GATEWAY_DIGEST_KEY (at least 32 "
                    "characters: the key of confirmation-code and account digests)"
                )
            if not self.oidc_issuer:
                raise SettingsError(
                    "production mode needs GATEWAY_OIDC_ISSUER (the development "
                    "issuer is for demo mode only)"
                )
        return self

    @property
    def digest_secret(self) -> bytes:
        """The key of keyed digests (a fixed, public one in demo mode)."""
        if self.digest_key is not None:
            return self.digest_key.get_secret_value().encode()
        return b"demo-only digest key: never used in production mode"

    def limits_for(self, kind: CallerKind) -> Limits:
        """The limits of one kind of caller."""
        limits: Limits = getattr(self, f"limits_{kind.value}")
        return limits

    @property
    def largest_body_bytes(self) -> int:
        """The most any caller may send (read before the caller is known)."""
        return max(self.limits_for(kind).max_body_bytes for kind in CallerKind)

    @property
    def is_demo(self) -> bool:
        return self.mode is Mode.DEMO

    @property
    def base_url(self) -> str:
        """The address clients use to reach this gateway."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def dev_issuer_url(self) -> str:
        return f"{self.base_url}/dev-issuer"

    @property
    def issuer(self) -> str:
        """The OIDC issuer whose tokens are accepted."""
        if self.oidc_issuer:
            return self.oidc_issuer  # compared exactly: a trailing "/" matters
        return self.dev_issuer_url

    @property
    def insecure_issuer_allowed(self) -> bool:
        """Plain http to a non-loopback issuer: only in demo mode by default."""
        if self.oidc_allow_insecure_http is None:
            return self.is_demo
        return self.oidc_allow_insecure_http

    @property
    def graphiql_enabled(self) -> bool:
        return self.is_demo if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return self.is_demo if self.introspection is None else self.introspection
