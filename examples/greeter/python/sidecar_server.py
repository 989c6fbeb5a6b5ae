#!/usr/bin/env python3
"""A greeter in Python: serves Say.Hello over HTTP and registers itself through the sidecar.

Speaks what go-micro clients send to a node: the legacy JSON-RPC envelope
({"method": "Say.Hello", "params": [{"name": "John"}], "id": 0} -> {"id": 0, "result": {...},
"error": null}; Content-Type application/json-rpc, or any request without a Micro-Endpoint
header) and mucp (a Micro-Endpoint header and a bare application/json body). Registers
with POST SIDECAR/registry (as micro's sidecar_server.py does), re-registers before the TTL runs
out, and deregisters with DELETE SIDECAR/registry on SIGTERM or Ctrl-C.

    python3 sidecar_server.py --address 127.0.0.1:4000 --sidecar http://127.0.0.1:8081
"""
import argparse
import json
import signal
import sys
import threading
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


def hello(request):
    """Say.Hello: {"name": N} -> {"msg": "Hello N"}."""
    if not isinstance(request, dict):
        raise ValueError("request must be an object such as {\"name\": \"John\"}")
    return {"msg": f"Hello {request.get('name', '')}"}


ENDPOINTS = {"Say.Hello": hello}


def micro_error(code, detail, status):
    return json.dumps({"id": "go.micro.srv.greeter", "code": code, "detail": detail, "status": status})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            return self.reply(413, "text/plain", b"request body too large")
        raw = self.rfile.read(length)
        endpoint = self.headers.get("Micro-Endpoint") or self.headers.get("X-Micro-Endpoint")
        json_rpc = self.headers.get("Content-Type", "").startswith("application/json-rpc")
        if endpoint and not json_rpc:  # mucp: the endpoint in a header, the bare request as the body
            return self.mucp(endpoint, raw)
        try:
            call = json.loads(raw)
            method, params, rpc_id = call["method"], call.get("params") or [{}], call.get("id")
            result = ENDPOINTS[method](params[0] if isinstance(params, list) else params)
            answer = {"id": rpc_id, "result": result, "error": None}
        except KeyError as e:
            answer = {"id": None, "result": None, "error": f"rpc: can't find method {e}"}
        except (ValueError, TypeError, IndexError) as e:
            answer = {"id": None, "result": None, "error": f"bad request: {e}"}
        self.reply(200, "application/json", json.dumps(answer).encode())

    def mucp(self, endpoint, raw):
        headers = {"Micro-Id": self.headers.get("Micro-Id", ""), "Micro-Endpoint": endpoint}
        try:
            result = json.dumps(ENDPOINTS[endpoint](json.loads(raw or b"{}"))).encode()
        except KeyError:
            headers["Micro-Error"] = micro_error(404, f"unknown endpoint {endpoint}", "Not Found")
            result = b""
        except (ValueError, TypeError) as e:
            headers["Micro-Error"] = micro_error(400, str(e), "Bad Request")
            result = b""
        self.reply(200, "application/json", result, headers)

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, "text/plain", b"ok")
        self.reply(404, "text/plain", b"not found")

    def reply(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))


def registry(sidecar, method, service, ttl=None):
    """POSTs (register) or DELETEs (deregister) the service JSON at SIDECAR/registry."""
    url = f"{sidecar}/registry" + (f"?ttl={ttl}s" if ttl else "")
    req = urllib.request.Request(url, data=json.dumps(service).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10):
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--address", default="127.0.0.1:4000", help="host:port to serve on")
    p.add_argument("--sidecar", default="http://127.0.0.1:8081", help="the sidecar's URL")
    p.add_argument("--name", default="go.micro.srv.greeter", help="the service name to register")
    p.add_argument("--ttl", type=int, default=30, help="registration TTL in seconds")
    args = p.parse_args()

    host, port = args.address.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    service = {
        "name": args.name,
        "nodes": [{"id": f"{args.name}-{uuid.uuid4()}", "address": f"{host}:{server.server_port}"}],
        "endpoints": [{"name": "Say.Hello",
                       "request": {"name": "Request", "type": "Request",
                                   "values": [{"name": "name", "type": "string"}]},
                       "response": {"name": "Response", "type": "Response",
                                    "values": [{"name": "msg", "type": "string"}]}}],
    }
    registry(args.sidecar, "POST", service, args.ttl)
    print(f"serving {args.name} on {host}:{server.server_port}, registered through {args.sidecar}",
          flush=True)

    stop = threading.Event()

    def keep_registered():  # refresh well before the TTL runs out
        while not stop.wait(args.ttl / 3):
            try:
                registry(args.sidecar, "POST", service, args.ttl)
            except OSError as e:
                print(f"re-register failed: {e}", file=sys.stderr, flush=True)

    threading.Thread(target=keep_registered, daemon=True).start()

    def shutdown(signum, frame):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    server.serve_forever()
    try:
        registry(args.sidecar, "DELETE", service)
        print("deregistered", flush=True)
    except OSError as e:
        print(f"deregister failed: {e}", file=sys.stderr, flush=True)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
