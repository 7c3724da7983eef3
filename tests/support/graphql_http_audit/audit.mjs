// Runs graphql-http's server audits (GraphQL over HTTP conformance) against
// one endpoint and prints every result as one JSON array on stdout.
//
//   node audit.mjs <url> [<bearer token>]
//
// Each result is {id, name, status, reason?, response?}; a failed audit's
// response holds the status, content type and body the server answered with,
// so the test can show why. A fatal error (the server unreachable) exits 2.

import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs <url> [<bearer token>]');
  process.exit(2);
}

// the audits read each response's body themselves: keep an unread copy
const copies = new WeakMap();

async function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(input, { ...init, headers });
  copies.set(response, response.clone());
  return response;
}

async function described(response) {
  const copy = response && copies.get(response);
  if (!copy) return undefined;
  return {
    status: copy.status,
    contentType: copy.headers.get('content-type'),
    body: await copy.text(),
  };
}

try {
  const results = await Promise.all(serverAudits({ url, fetchFn }).map((a) => a.fn()));
  const out = [];
  for (const result of results) {
    const row = { id: result.id, name: result.name, status: result.status };
    if (result.status !== 'ok') {
      row.reason = result.reason;
      row.response = await described(result.response);
    }
    out.push(row);
  }
  process.stdout.write(JSON.stringify(out));
} catch (error) {
  console.error(error?.stack ?? String(error));
  process.exit(2);
}
