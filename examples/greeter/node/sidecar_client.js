#!/usr/bin/env node
// Calls Say.Hello on go.micro.srv.greeter through the sidecar's /rpc: the sidecar finds a node in
// the registry and makes the call.
//
//   node sidecar_client.js --sidecar http://127.0.0.1:8081 --name John
'use strict';
const { parseArgs } = require('node:util');

async function call(sidecar, service, method, request) {
  const rsp = await fetch(`${sidecar}/rpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ service, method, request }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await rsp.text();
  // errors come back as go-micro's error JSON with the error's HTTP status
  if (!rsp.ok) throw new Error(text || `HTTP ${rsp.status}`);
  return JSON.parse(text);
}

async function main() {
  const { values } = parseArgs({
    options: {
      sidecar: { type: 'string', default: 'http://127.0.0.1:8081' },
      service: { type: 'string', default: 'go.micro.srv.greeter' },
      name: { type: 'string', default: 'John' },
    },
  });
  try {
    const answer = await call(values.sidecar, values.service, 'Say.Hello', { name: values.name });
    console.log(answer.msg);
  } catch (e) {
    console.error(`call failed: ${e.message}`);
    process.exitCode = 1;
  }
}

main();
