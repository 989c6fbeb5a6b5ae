/**
 * A {@link io.micro.registry.Registry} on Apache ZooKeeper through Curator, laid out as go-micro's
 * zookeeper plugin lays it out: one znode per service node at {@code
 * /micro-registry/<service>/<node id>} holding the JSON service of that node, so Go and Java
 * services find each other. Our znodes are ephemeral (they vanish when the process's session ends)
 * and carry a TTL that readers enforce, so a node that stops renewing also goes. Select it with
 * {@code --registry=zookeeper --registry_address=host:port,host:port}.
 */
@NullMarked
package io.micro.plugins.registry.zookeeper;

import org.jspecify.annotations.NullMarked;
