/**
 * The default registry, {@link io.micro.registry.mdns.MdnsRegistry} ({@code mdns}): service
 * discovery over multicast DNS with no server to run, speaking go-micro's mDNS records (instance
 * {@code <nodeId>.<service>.micro.}, SRV/A/TXT with the service JSON zlib-compressed and
 * hex-encoded in the TXT, the {@code _services} wildcard for listing) so Java and Go services on
 * the same network find each other. It runs on exactly one network interface, loopback unless
 * configured otherwise, and honours TTLs: records carry the registration TTL, and a node that
 * crashes disappears from every reader's lookups and watches when they expire.
 */
@NullMarked
package io.micro.registry.mdns;

import org.jspecify.annotations.NullMarked;
