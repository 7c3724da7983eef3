"""A PostgreSQL wire-protocol relay that counts and records the statements a
server sends, whatever its driver (asyncpg, node-postgres) or ORM.

It sits between a server under test and PostgreSQL for the counting phase
only (never under load): the statements per request of the gateway, of
PostGraphile and of the ceiling are all counted the same way, as PostgreSQL
receives them, with no server setting changed (``log_statement`` and
``pg_stat_statements`` would need the shared server reconfigured). It also
records the SQL and the parameters of each statement, which the ceiling
replays.

It answers an SSL or GSS encryption request itself with "no", so the
conversation stays readable; it is for loopback addresses only.
"""

from __future__ import annotations

import asyncio
import re
import struct
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

_SSL_REQUEST = 80877103
_GSS_REQUEST = 80877104
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_POSTGRES_EPOCH_DATE = date(2000, 1, 1)

#: Statements that frame work rather than do it, and a driver's set-up of a
#: new connection (asyncpg's type introspection): not counted as work.
_CONTROL = re.compile(
    r"^\s*(;?\s*$|BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|SAVEPOINT|RELEASE"
    r"|END|ABORT|DISCARD|RESET|DEALLOCATE|SET\s|SHOW\s"
    r"|SELECT\s+pg_advisory_unlock_all|WITH\s+RECURSIVE\s+typeinfo_tree"
    r"|SELECT\s+current_setting\('jit'\)|SELECT\s+set_config\('jit')",
    re.IGNORECASE,
)


class UnsupportedParameter(ValueError):
    """A binary parameter of a type this module cannot read back."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as PostgreSQL received it."""

    connection: int
    sql: str
    #: ``(type oid, value)``; ``value`` is read back from the binary or text
    #: format (``None`` for NULL), or the raw bytes when unreadable.
    parameters: tuple[tuple[int, Any], ...]

    @property
    def is_control(self) -> bool:
        return bool(_CONTROL.match(self.sql))


@dataclass
class _Connection:
    number: int
    statements: dict[str, str] = field(default_factory=dict)
    parameter_types: dict[str, tuple[int, ...]] = field(default_factory=dict)
    portals: dict[str, tuple[str, tuple[tuple[int, Any], ...]]] = field(
        default_factory=dict
    )
    #: Statement names whose Describe awaits its ParameterDescription; ``None``
    #: marks a Sync (the server answers each batch before its ReadyForQuery).
    describing: deque[str | None] = field(default_factory=deque)


class Recorder:
    """What went through the relay since the last ``reset``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._statements: list[Statement] = []

    def add(self, statement: Statement) -> None:
        with self._lock:
            self._statements.append(statement)

    def reset(self) -> None:
        with self._lock:
            self._statements.clear()

    def statements(self) -> list[Statement]:
        with self._lock:
            return list(self._statements)

    def work(self) -> list[Statement]:
        """The statements that do work (transaction control left out)."""
        return [s for s in self.statements() if not s.is_control]


def _cstring(data: bytes, at: int) -> tuple[str, int]:
    end = data.index(b"\0", at)
    return data[at:end].decode(), end + 1


def _numeric(raw: bytes) -> Decimal:
    ndigits, weight, sign, dscale = struct.unpack_from("!hhHH", raw)
    if sign == 0xC000:
        return Decimal("NaN")
    digits = struct.unpack_from(f"!{ndigits}H", raw, 8)
    value = Decimal(0)
    for position, digit in enumerate(digits):
        value += Decimal(digit) * Decimal(10000) ** (weight - position)
    value = value.quantize(Decimal(1).scaleb(-dscale)) if dscale else value
    return -value if sign == 0x4000 else value


def _scalar(oid: int, raw: bytes) -> Any:
    if oid == 16:
        return raw == b"\x01"
    if oid == 21:
        return struct.unpack("!h", raw)[0]
    if oid == 23 or oid == 26:
        return struct.unpack("!i", raw)[0]
    if oid == 20:
        return struct.unpack("!q", raw)[0]
    if oid in (25, 1043, 1042, 19, 705):
        return raw.decode()
    if oid == 701:
        return struct.unpack("!d", raw)[0]
    if oid == 700:
        return struct.unpack("!f", raw)[0]
    if oid == 1082:
        return _POSTGRES_EPOCH_DATE + timedelta(days=struct.unpack("!i", raw)[0])
    if oid in (1184, 1114):
        moment = _POSTGRES_EPOCH + timedelta(microseconds=struct.unpack("!q", raw)[0])
        return moment if oid == 1184 else moment.replace(tzinfo=None)
    if oid == 1700:
        return _numeric(raw)
    if oid == 2950:
        return uuid.UUID(bytes=raw)
    if oid == 114:
        return raw.decode()
    if oid == 3802:
        return raw[1:].decode()
    if oid == 17:
        return raw
    raise UnsupportedParameter(f"binary parameter of type oid {oid}")


_ARRAYS = {
    1000: 16,
    1005: 21,
    1007: 23,
    1016: 20,
    1009: 25,
    1015: 1043,
    1014: 1042,
    1182: 1082,
    1185: 1184,
    1115: 1114,
    1231: 1700,
    2951: 2950,
    1022: 701,
}


def _array(raw: bytes) -> list[Any]:
    dimensions, _, element = struct.unpack_from("!iii", raw)
    if dimensions == 0:
        return []
    if dimensions != 1:
        raise UnsupportedParameter("a multi-dimensional array parameter")
    length, _ = struct.unpack_from("!ii", raw, 12)
    at = 20
    values: list[Any] = []
    for _ in range(length):
        (size,) = struct.unpack_from("!i", raw, at)
        at += 4
        if size < 0:
            values.append(None)
            continue
        values.append(_scalar(element, raw[at : at + size]))
        at += size
    return values


def read_parameter(oid: int, binary: bool, raw: bytes | None) -> Any:
    """A Bind parameter as a Python value (text-format ones stay strings)."""
    if raw is None:
        return None
    if not binary:
        return raw.decode()
    if oid in _ARRAYS:
        return _array(raw)
    return _scalar(oid, raw)


def _bind(
    body: bytes, connection: _Connection
) -> tuple[str, tuple[tuple[int, Any], ...]]:
    portal, at = _cstring(body, 0)
    name, at = _cstring(body, at)
    (format_count,) = struct.unpack_from("!h", body, at)
    formats = struct.unpack_from(f"!{format_count}h", body, at + 2)
    at += 2 + 2 * format_count
    (count,) = struct.unpack_from("!h", body, at)
    at += 2
    types = connection.parameter_types.get(name, ())
    parameters: list[tuple[int, Any]] = []
    for index in range(count):
        (size,) = struct.unpack_from("!i", body, at)
        at += 4
        raw = None if size < 0 else body[at : at + size]
        at += max(size, 0)
        binary = bool(formats[0] if format_count == 1 else formats[index])
        oid = types[index] if index < len(types) else 0
        if format_count == 0:
            binary = False
        try:
            value = read_parameter(oid, binary, raw)
        except UnsupportedParameter:
            value = raw
        parameters.append((oid, value))
    connection.portals[portal] = (
        connection.statements.get(name, ""),
        tuple(parameters),
    )
    return portal, tuple(parameters)


def _from_client(
    kind: bytes, body: bytes, connection: _Connection, recorder: Recorder
) -> None:
    if kind == b"P":
        name, at = _cstring(body, 0)
        sql, at = _cstring(body, at)
        (count,) = struct.unpack_from("!h", body, at)
        connection.statements[name] = sql
        given = struct.unpack_from(f"!{count}i", body, at + 2)
        connection.parameter_types[name] = tuple(given)
    elif kind == b"D" and body[:1] == b"S":
        connection.describing.append(_cstring(body, 1)[0])
    elif kind == b"S":
        connection.describing.append(None)
    elif kind == b"B":
        _bind(body, connection)
    elif kind == b"E":
        portal, _ = _cstring(body, 0)
        sql, parameters = connection.portals.get(portal, ("", ()))
        recorder.add(Statement(connection.number, sql, parameters))
    elif kind == b"Q":
        sql, _ = _cstring(body, 0)
        recorder.add(Statement(connection.number, sql, ()))


def _from_server(kind: bytes, body: bytes, connection: _Connection) -> None:
    if kind == b"t":
        while connection.describing and connection.describing[0] is None:
            connection.describing.popleft()
        if connection.describing:
            name = connection.describing.popleft()
            assert name is not None
            (count,) = struct.unpack_from("!h", body, 0)
            connection.parameter_types[name] = struct.unpack_from(f"!{count}i", body, 2)
    elif kind == b"Z":
        while connection.describing:
            if connection.describing.popleft() is None:
                break


async def _messages(
    reader: asyncio.StreamReader,
) -> Any:
    while True:
        header = await reader.readexactly(5)
        (length,) = struct.unpack_from("!i", header, 1)
        body = await reader.readexactly(length - 4)
        yield header, body


class Relay:
    """Listens on a loopback port and relays to PostgreSQL, recording; runs
    its own event loop in a thread so the caller may stay synchronous."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.recorder = Recorder()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._connections = 0

    def __enter__(self) -> Relay:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self.port = future.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self._connections += 1
        connection = _Connection(self._connections)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                *self.upstream
            )
        except OSError:
            client_writer.close()
            return
        try:
            while True:
                header = await client_reader.readexactly(8)
                length, code = struct.unpack("!ii", header)
                rest = await client_reader.readexactly(length - 8)
                if code in (_SSL_REQUEST, _GSS_REQUEST):
                    client_writer.write(b"N")
                    await client_writer.drain()
                    continue
                upstream_writer.write(header + rest)
                break
            await asyncio.gather(
                self._pump_client(client_reader, upstream_writer, connection),
                self._pump_server(upstream_reader, client_writer, connection),
            )
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()

    async def _pump_client(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        connection: _Connection,
    ) -> None:
        try:
            async for header, body in _messages(reader):
                _from_client(header[:1], body, connection, self.recorder)
                writer.write(header + body)
                await writer.drain()
        finally:
            writer.close()

    async def _pump_server(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        connection: _Connection,
    ) -> None:
        try:
            async for header, body in _messages(reader):
                _from_server(header[:1], body, connection)
                writer.write(header + body)
                await writer.drain()
        finally:
            writer.close()
