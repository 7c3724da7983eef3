// One round of load with autocannon: `node load.js CONFIG.json` prints one
// JSON line of results. The config names the URL, headers, body,
// connections and either a duration (seconds) or an amount of requests.
// Every answer is read: a GraphQL error ("errors":[{...) or a non-2xx status
// counts as a failure, so a server that answers fast with errors is seen.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const autocannon = require("autocannon");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let failures = 0;
let sample = null;

const options = {
  url: config.url,
  connections: config.connections,
  pipelining: 1,
  timeout: config.timeout ?? 30,
  requests: [
    {
      method: "POST",
      headers: config.headers,
      body: config.body,
      onResponse: (status, body) => {
        if (status < 200 || status > 299 || body.includes('"errors":[{')) {
          failures += 1;
          if (sample === null) sample = `${status} ${String(body).slice(0, 300)}`;
        }
      },
    },
  ],
};
if (config.idReplacement) {
  // a fresh id for each "[<id>]" in the body, for each request (the request
  // is built anew, so its Content-Length is right)
  options.requests[0].setupRequest = (request) => ({
    ...request,
    // (a UUID with its groups joined by letters: never 13 digits in a row,
    // which the gateway would refuse as what looks like a card number)
    body: config.body.replaceAll("[<id>]", crypto.randomUUID().replaceAll("-", "k")),
  });
}
if (config.amount) options.amount = config.amount;
else options.duration = config.duration;

autocannon(options, (error, result) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  const out = {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    failures,
    sample,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
});
