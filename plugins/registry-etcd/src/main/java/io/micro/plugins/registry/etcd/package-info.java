/**
 * Service discovery on etcd v3, selected as {@code --registry=etcd}: {@link
 * io.micro.plugins.registry.etcd.EtcdRegistry} stores each node under go-micro's key {@code
 * /micro/registry/<service>/<nodeId>} as the JSON of its service with that one node, bound to an
 * etcd lease for its TTL, so Java and Go services registered in the same etcd find each other.
 * Lookups are prefix reads grouped by version; watches are etcd watches on the prefix. The client is
 * jetcd; {@link io.micro.plugins.registry.etcd.EtcdRegistryProvider} makes the registry selectable
 * by name through {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.micro.plugins.registry.etcd;

import org.jspecify.annotations.NullMarked;
