#!/usr/bin/env python3
"""Calls Say.Hello on the Java greeter directly, with go-micro's legacy JSON-RPC envelope.

This is the request micro's own rpc_client.py sends: an HTTP POST to the node's address with
{"method": "Say.Hello", "params": [{"name": "John"}], "jsonrpc": "2.0", "id": 0}.
The answer is {"id": 0, "result": {"msg": "Hello John"}, "error": null}.

    python3 rpc_client.py --address 127.0.0.1:9090 --name John
"""
import argparse
import json
import sys
import urllib.error
import urllib.request


def call(address, method, params, timeout=10):
    """POSTs one JSON-RPC request to http://ADDRESS/ and returns its result (raises on error)."""
    body = json.dumps({"method": method, "params": [params], "jsonrpc": "2.0", "id": 0})
    req = urllib.request.Request(
        f"http://{address}/", data=body.encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as rsp:
        answer = json.load(rsp)
    if answer.get("error"):
        raise RuntimeError(answer["error"])
    return answer["result"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--address", default="127.0.0.1:9090", help="the greeter's host:port")
    p.add_argument("--name", default="John")
    args = p.parse_args()
    try:
        result = call(args.address, "Say.Hello", {"name": args.name})
    except (OSError, RuntimeError, ValueError) as e:
        print(f"call failed: {e}", file=sys.stderr)
        return 1
    print(result["msg"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
