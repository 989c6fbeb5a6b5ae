#!/usr/bin/env node
// A greeter in Node.js: serves Say.Hello over HTTP and registers itself through the sidecar.
//
// Speaks what go-micro clients send to a node: the legacy JSON-RPC envelope
// ({"method":"Say.Hello","params":[{"name":"John"}],"id":0} -> {"id":0,"result":{...},"error":null};
// Content-Type application/json-rpc, or any request without a Micro-Endpoint header) and mucp
// (a Micro-Endpoint header and a bare application/json body). Registers with
// POST SIDECAR/registry, re-registers before the TTL runs out, and deregisters with
// DELETE SIDECAR/registry on SIGTERM or Ctrl-C.
//
//   node sidecar_server.js --address 127.0.0.1:4001 --sidecar http://127.0.0.1:8081
'use strict';
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');

const MAX_BODY = 1 << 20;

const endpoints = {
  'Say.Hello': (req) => {
    if (req === null || typeof req !== 'object') throw new TypeError('request must be an object such as {"name":"John"}');
    return { msg: `Hello ${req.name ?? ''}` };
  },
};

const microError = (code, detail, status) =>
  JSON.stringify({ id: 'go.micro.srv.greeter', code, detail, status });

function handle(req, body) {
  const endpoint = req.headers['micro-endpoint'] || req.headers['x-micro-endpoint'];
  const jsonRpc = (req.headers['content-type'] || '').startsWith('application/json-rpc');
  if (endpoint && !jsonRpc) { // mucp: the endpoint in a header, the bare request as the body
    const headers = { 'Micro-Id': req.headers['micro-id'] || '', 'Micro-Endpoint': endpoint };
    const fn = endpoints[endpoint];
    if (!fn) return { headers: { ...headers, 'Micro-Error': microError(404, `unknown endpoint ${endpoint}`, 'Not Found') }, body: '' };
    try {
      return { headers, body: JSON.stringify(fn(JSON.parse(body || '{}'))) };
    } catch (e) {
      return { headers: { ...headers, 'Micro-Error': microError(400, e.message, 'Bad Request') }, body: '' };
    }
  }
  let id = null;
  try {
    const call = JSON.parse(body);
    id = call.id ?? null;
    const fn = endpoints[call.method];
    if (!fn) return { headers: {}, body: JSON.stringify({ id, result: null, error: `rpc: can't find method ${call.method}` }) };
    const params = Array.isArray(call.params) ? call.params[0] : call.params;
    return { headers: {}, body: JSON.stringify({ id, result: fn(params ?? {}), error: null }) };
  } catch (e) {
    return { headers: {}, body: JSON.stringify({ id, result: null, error: `bad request: ${e.message}` }) };
  }
}

async function registry(sidecar, method, service, ttl) {
  const rsp = await fetch(`${sidecar}/registry${ttl ? `?ttl=${ttl}s` : ''}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(service),
    signal: AbortSignal.timeout(10_000),
  });
  if (!rsp.ok) throw new Error(`${method} /registry: ${rsp.status} ${await rsp.text()}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      address: { type: 'string', default: '127.0.0.1:4001' },
      sidecar: { type: 'string', default: 'http://127.0.0.1:8081' },
      name: { type: 'string', default: 'go.micro.srv.greeter' },
      ttl: { type: 'string', default: '30' },
    },
  });
  const ttl = Number(values.ttl);
  const i = values.address.lastIndexOf(':');
  const host = values.address.slice(0, i);
  const port = Number(values.address.slice(i + 1));

  const server = http.createServer((req, res) => {
    res.on('finish', () => console.error(`${req.socket.remoteAddress} - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode}`));
    if (req.method === 'GET' && req.url === '/health') return res.end('ok');
    if (req.method !== 'POST') { res.statusCode = 405; return res.end(); }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { res.statusCode = 413; res.end('request body too large'); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      const out = handle(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'Content-Type': 'application/json', ...out.headers });
      res.end(out.body);
    });
  });
  server.requestTimeout = 30_000;
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));

  const service = {
    name: values.name,
    nodes: [{ id: `${values.name}-${randomUUID()}`, address: `${host}:${server.address().port}` }],
    endpoints: [{
      name: 'Say.Hello',
      request: { name: 'Request', type: 'Request', values: [{ name: 'name', type: 'string' }] },
      response: { name: 'Response', type: 'Response', values: [{ name: 'msg', type: 'string' }] },
    }],
  };
  await registry(values.sidecar, 'POST', service, ttl);
  console.log(`serving ${values.name} on ${service.nodes[0].address}, registered through ${values.sidecar}`);

  const refresh = setInterval(() => registry(values.sidecar, 'POST', service, ttl)
    .catch((e) => console.error(`re-register failed: ${e.message}`)), (ttl / 3) * 1000);

  const shutdown = async () => {
    clearInterval(refresh);
    server.close();
    server.closeAllConnections();
    try {
      await registry(values.sidecar, 'DELETE', service);
      console.log('deregistered');
    } catch (e) {
      console.error(`deregister failed: ${e.message}`);
    }
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
