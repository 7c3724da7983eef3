// An independent OpenID Provider for the interop tests: panva's certified
// oidc-provider, configured as a real deployment of it would be for the gateway.
//
//   node provider.mjs <port> <jwks.json>
//
// (or OIDC_PROVIDER_PORT / OIDC_PROVIDER_JWKS in the environment). It listens on
// 127.0.0.1:<port> with issuer http://127.0.0.1:<port>, signs with the private
// JWKs of <jwks.json> (the first RSA key signs, every key is published), and
// prints "oidc-provider ready <issuer>" on stdout once it accepts connections.
// Rotation is a restart on the same port with a file holding [new, old] keys.
//
// - devInteractions: a login form that accepts any login as the subject, and a
//   consent form (the tests drive both over HTTP);
// - clientCredentials, and resourceIndicators: access tokens for RESOURCE are
//   JWTs (header typ "at+jwt") with sub, client_id, scope, aud, iss, exp, iat;
// - clients: "case-portal" (public, authorization code + PKCE, redirecting to a
//   loopback URL nobody serves) and "ok-css" (confidential, client credentials);
// - GET /_test/requests: how often each path was asked for since this process
//   started (so a test can tell that the gateway read discovery and the JWKS).

import { readFileSync } from 'node:fs';

import Provider, { errors } from 'oidc-provider';

const [portArg, jwksArg] = process.argv.slice(2);
const port = Number(portArg ?? process.env.OIDC_PROVIDER_PORT);
const jwksPath = jwksArg ?? process.env.OIDC_PROVIDER_JWKS;
if (!Number.isInteger(port) || port <= 0 || !jwksPath) {
  console.error('usage: node provider.mjs <port> <jwks.json>');
  process.exit(2);
}

const RESOURCE = process.env.OIDC_PROVIDER_RESOURCE ?? 'http://case-gateway.test/';
const RESOURCE_SCOPES = 'cases:read case:read pii:read fti:read';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(readFileSync(jwksPath, 'utf8'));

const configuration = {
  jwks,
  clients: [
    {
      client_id: 'case-portal',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
    },
    {
      client_id: 'ok-css',
      client_secret: process.env.OIDC_PROVIDER_OK_CSS_SECRET ?? 'ok-css-test-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  // Not a secret of anything real: the signed-cookie keys of a throwaway provider.
  cookies: { keys: ['interop-tests-only'] },
  findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  pkce: { required: () => true },
  scopes: ['openid'],
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== RESOURCE) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: RESOURCE_SCOPES,
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: {
    AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
    ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
    Grant: 600,
    IdToken: 600,
    Interaction: 600,
    Session: 600,
  },
};

const provider = new Provider(issuer, configuration);

const requests = new Map();
provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/_test/requests') {
    ctx.body = Object.fromEntries(requests);
    return;
  }
  requests.set(ctx.path, (requests.get(ctx.path) ?? 0) + 1);
  await next();
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready ${issuer}`);
});
server.on('error', (error) => {
  console.error(`oidc-provider cannot listen on ${issuer}: ${error.message}`);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
