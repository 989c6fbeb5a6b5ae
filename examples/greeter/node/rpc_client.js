#!/usr/bin/env node
// Calls Say.Hello on the Java greeter directly, with go-micro's legacy JSON-RPC envelope:
// POST http://ADDRESS/ {"method":"Say.Hello","params":[{"name":"John"}],"jsonrpc":"2.0","id":0}
// -> {"id":0,"result":{"msg":"Hello John"},"error":null}
//
//   node rpc_client.js --address 127.0.0.1:9090 --name John
'use strict';
const { parseArgs } = require('node:util');

async function call(address, method, params) {
  const rsp = await fetch(`http://${address}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method, params: [params], jsonrpc: '2.0', id: 0 }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await rsp.json();
  if (answer.error) throw new Error(answer.error);
  return answer.result;
}

async function main() {
  const { values } = parseArgs({
    options: { address: { type: 'string', default: '127.0.0.1:9090' }, name: { type: 'string', default: 'John' } },
  });
  try {
    const result = await call(values.address, 'Say.Hello', { name: values.name });
    console.log(result.msg);
  } catch (e) {
    console.error(`call failed: ${e.message}`);
    process.exitCode = 1;
  }
}

main();
