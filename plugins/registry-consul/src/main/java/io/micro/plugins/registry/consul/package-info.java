/**
 * A {@link io.micro.registry.Registry} on Consul, speaking the Consul agent's HTTP API with the
 * JDK's {@link java.net.http.HttpClient}: each node is a Consul agent service (ID = node id, Name =
 * service name) whose tags carry go-micro's encoding of the version, endpoints and node metadata
 * ({@code v-}, {@code e-}, {@code t-}: lowercase hex of zlib-compressed data), kept alive by a TTL
 * check; lookups read {@code /v1/health/service/<name>} and drop nodes with a critical check, and
 * watches are blocking queries. Java and go-micro services registered with the same Consul see
 * each other. Select it with {@code --registry=consul --registry_address=host:8500}.
 */
@NullMarked
package io.micro.plugins.registry.consul;

import org.jspecify.annotations.NullMarked;
