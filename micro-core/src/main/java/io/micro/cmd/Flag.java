package io.micro.cmd;

import java.util.Locale;

/** The flags we read, with go-micro's names; each also has a {@code MICRO_<NAME>} variable. */
enum Flag {
  SERVER_NAME("server_name", Kind.TEXT, "name of the server, e.g. go.micro.srv.greeter"),
  SERVER_VERSION("server_version", Kind.TEXT, "version of the server, default latest"),
  SERVER_ID("server_id", Kind.TEXT, "id of the server; the node registers as <name>-<id>"),
  SERVER_ADDRESS("server_address", Kind.TEXT, "host:port to listen on, default 127.0.0.1:0"),
  SERVER_ADVERTISE("server_advertise", Kind.TEXT, "host:port to register instead of the listener's"),
  SERVER_METADATA("server_metadata", Kind.MAP, "node metadata k=v, repeatable or comma-separated"),
  SERVER_EXECUTION("server_execution", Kind.TEXT, "where handlers run: auto, virtual, pool, direct"),
  REGISTRY("registry", Kind.TEXT, "registry by name, e.g. mdns, memory, etcd"),
  REGISTRY_ADDRESS("registry_address", Kind.LIST, "comma-separated registry addresses"),
  BROKER("broker", Kind.TEXT, "broker by name, e.g. http, nats"),
  BROKER_ADDRESS("broker_address", Kind.LIST, "comma-separated broker addresses"),
  TRANSPORT("transport", Kind.TEXT, "transport by name, e.g. http"),
  TRANSPORT_ADDRESS("transport_address", Kind.LIST, "comma-separated transport addresses"),
  SELECTOR("selector", Kind.TEXT, "selector by name: cache (default) or registry"),
  REGISTER_TTL("register_ttl", Kind.DURATION, "registration TTL in seconds, default 60"),
  REGISTER_INTERVAL("register_interval", Kind.DURATION, "re-registration interval in seconds, default 30"),
  CLIENT_RETRIES("client_retries", Kind.INT, "times a client retries a call"),
  CLIENT_REQUEST_TIMEOUT("client_request_timeout", Kind.DURATION, "call timeout: seconds or 5s, 500ms"),
  CLIENT_POOL_SIZE("client_pool_size", Kind.INT, "connections a client keeps per node"),
  CLIENT_POOL_TTL("client_pool_ttl", Kind.DURATION, "how long a pooled connection lives");

  /** How a flag's text is read. */
  enum Kind { TEXT, LIST, MAP, DURATION, INT }

  final String flagName;
  final Kind kind;
  final String usage;

  Flag(String flagName, Kind kind, String usage) {
    this.flagName = flagName;
    this.kind = kind;
    this.usage = usage;
  }

  /** {@code MICRO_SERVER_NAME} for {@code server_name}. */
  String env() {
    return "MICRO_" + flagName.toUpperCase(Locale.ROOT);
  }
}
