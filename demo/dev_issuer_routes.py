"""HTTP routes of the development issuer, to mount under ``/dev-issuer``.

``GET /`` (a page with a token per persona), ``GET /.well-known/openid-configuration``,
``GET /jwks``, ``POST /token`` (``persona=<key>``, or ``grant_type=
client_credentials`` with ``client_id``) and ``GET /token?persona=<key>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from html import escape
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from demo.dev_issuer import (
    DevIssuer,
    persona_client_id,
    persona_scopes,
    persona_subject,
)

MAX_BODY_BYTES = 16 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def dev_issuer_routes(issuer: DevIssuer) -> list[BaseRoute]:
    """The issuer's routes; mount them at the path of ``issuer.issuer_url``."""

    async def page(request: Request) -> Response:
        return _page(issuer)

    async def discovery(request: Request) -> Response:
        return JSONResponse(issuer.discovery())

    async def jwks(request: Request) -> Response:
        return JSONResponse(issuer.jwks())

    async def token(request: Request) -> Response:
        try:
            fields = await _token_request_fields(request)
        except ValueError as error:
            return _oauth_error("invalid_request", str(error), 400)
        return _token_response(issuer, fields)

    return [
        Route("/", page, methods=["GET"]),
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/jwks", jwks, methods=["GET"]),
        Route("/token", token, methods=["GET", "POST"]),
    ]


async def _token_request_fields(request: Request) -> dict[str, str]:
    """The token request's parameters: the query string for GET, else a form or
    JSON body; HTTP Basic credentials supply ``client_id``."""
    if request.method == "GET":
        fields = dict(request.query_params)
    else:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise ValueError("the request body is too large")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/json":
            try:
                document = json.loads(body or b"{}")
            except ValueError:
                raise ValueError("the body is not JSON") from None
            if not isinstance(document, dict):
                raise ValueError("the body is not a JSON object")
            fields = {k: v for k, v in document.items() if isinstance(v, str)}
        elif media in {"application/x-www-form-urlencoded", ""}:
            fields = dict(parse_qsl(body.decode("utf-8", "replace")))
        else:
            raise ValueError("send a form or JSON")
    basic = _basic_client_id(request.headers.get("authorization"))
    if basic and "client_id" not in fields:
        fields["client_id"] = basic
    return fields


def _basic_client_id(authorization: str | None) -> str | None:
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


def _token_response(issuer: DevIssuer, fields: dict[str, str]) -> Response:
    grant_type = fields.get("grant_type")
    if grant_type == "client_credentials":
        client_id = fields.get("client_id", "")
        try:
            persona_key = issuer.persona_for_client(client_id)
        except KeyError:
            return _oauth_error("invalid_client", "unknown client", 401)
    elif grant_type in {None, "", "urn:dev-issuer:persona"}:
        persona_key = fields.get("persona", "")
        if not persona_key:
            return _oauth_error("invalid_request", "give persona=<key>", 400)
        if persona_key not in issuer.personas:
            return _oauth_error("invalid_request", "unknown persona", 404)
    else:
        return _oauth_error("unsupported_grant_type", "unsupported grant_type", 400)
    persona = issuer.personas[persona_key]
    body = {
        "access_token": issuer.mint_for_persona(persona_key),
        "token_type": "Bearer",
        "expires_in": issuer.ttl_seconds,
        "scope": " ".join(persona_scopes(persona)),
        "persona": persona_key,
        "subject": persona_subject(persona),
    }
    return JSONResponse(body, headers=_NO_STORE)


def _oauth_error(error: str, description: str, status: int) -> Response:
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status, headers=_NO_STORE)


# -- the page ------------------------------------------------------------------

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #1d2330; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #dde1e8;
  vertical-align: top; }
input { width: 14rem; font: 12px monospace; }
code, pre { background: #f3f5f8; padding: .1rem .3rem; }
pre { padding: .6rem; overflow-x: auto; }
"""
_SCRIPT = """
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value); }
    else { document.execCommand("copy"); }
    button.textContent = "Copied";
  });
}
"""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


_CSP = (
    "default-src 'none'; "
    f"script-src {_csp_hash(_SCRIPT)}; style-src {_csp_hash(_STYLE)}; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _page(issuer: DevIssuer) -> Response:
    rows = []
    for number, (key, persona) in enumerate(sorted(issuer.personas.items())):
        token = issuer.mint_for_persona(key)
        headers = json.dumps({"Authorization": f"Bearer {token}"})
        graphiql = f"{issuer.graphql_path}?headers={quote(headers, safe='')}"
        name = getattr(persona, "display_name", None) or ""
        about = getattr(persona, "description", None) or ""
        client = persona_client_id(persona)
        rows.append(
            "<tr>"
            f"<td><strong>{escape(key)}</strong> {escape(str(name))}"
            f"<br><small>{escape(str(about))}</small></td>"
            f"<td>{escape(str(persona.kind))}"
            + (f"<br>client <code>{escape(client)}</code>" if client else "")
            + "</td>"
            f"<td><code>{escape(persona_subject(persona))}</code></td>"
            f'<td><input id="t{number}" readonly value="Bearer {escape(token)}">'
            f' <button type="button" data-copy="t{number}">Copy</button></td>'
            f'<td><a href="{escape(graphiql)}">Open GraphiQL</a></td>'
            "</tr>"
        )
    base = escape(issuer.issuer_url)
    example = escape(next(iter(sorted(issuer.personas)), "KEY"))
    clients = (persona_client_id(p) for p in issuer.personas.values())
    client_example = escape(next((c for c in clients if c), "CLIENT"))
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Development issuer</title><style>{_STYLE}</style></head>
<body>
<h1>Development issuer</h1>
<p>Demo mode only. Each persona below has a fresh token, valid for
{issuer.ttl_seconds // 60} minutes. <em>Open GraphiQL</em> puts it in GraphiQL's
<code>Authorization</code> header (see the Headers tab); <em>Copy</em> copies the
header value.</p>
<table><thead><tr><th>Persona</th><th>Kind</th><th>Subject</th><th>Token</th>
<th></th></tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>From the command line</h2>
<pre>curl -s '{base}/token?persona={example}'
curl -s -d grant_type=client_credentials -d client_id={client_example} \\
  '{base}/token'</pre>
<p><a href="{base}/.well-known/openid-configuration">Discovery document</a></p>
<script>{_SCRIPT}</script>
</body></html>
"""
    page_headers = _NO_STORE | {
        "Content-Security-Policy": _CSP,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html, headers=page_headers)
