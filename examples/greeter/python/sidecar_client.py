#!/usr/bin/env python3
"""Calls Say.Hello on go.micro.srv.greeter through the sidecar's /rpc (as micro's sidecar_client.py).

The sidecar finds a node in the registry and makes the call; any language that can POST JSON can
call any service this way.

    python3 sidecar_client.py --sidecar http://127.0.0.1:8081 --name John
"""
import argparse
import json
import sys
import urllib.error
import urllib.request


def call(sidecar, service, method, request, timeout=10):
    """POSTs {service, method, request} to SIDECAR/rpc and returns the service's JSON answer."""
    body = json.dumps({"service": service, "method": method, "request": request})
    req = urllib.request.Request(
        f"{sidecar}/rpc", data=body.encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as rsp:
            return json.load(rsp)
    except urllib.error.HTTPError as e:
        # the sidecar answers errors as go-micro's error JSON with the error's HTTP status
        raise RuntimeError(e.read().decode() or str(e)) from None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sidecar", default="http://127.0.0.1:8081", help="the sidecar's URL")
    p.add_argument("--service", default="go.micro.srv.greeter")
    p.add_argument("--name", default="John")
    args = p.parse_args()
    try:
        answer = call(args.sidecar, args.service, "Say.Hello", {"name": args.name})
    except (OSError, RuntimeError, ValueError) as e:
        print(f"call failed: {e}", file=sys.stderr)
        return 1
    print(answer["msg"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
