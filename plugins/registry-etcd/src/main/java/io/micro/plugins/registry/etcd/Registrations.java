package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.PutOption;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes this process registered, one etcd key each, as go-micro's etcd registry keeps them:
 * a node registered again unchanged (same record, same TTL) only has its lease kept alive once; a
 * changed node, or one whose lease etcd no longer knows (it expired, or etcd lost its data), is
 * written again with a new lease. The first registration of a key adopts a lease already bound
 * to an identical record there (a restarted process with the same node id).
 *
 * <p>Thread-safe; two threads registering the same node at once may both write it, which is
 * harmless.
 */
final class Registrations {
  private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

  /** What was last written at a key by this process. */
  private record Written(Service record, Duration ttl, long lease) {}

  private final KV kv;
  private final Lease leases;
  private final Calls calls;
  private final Keys keys;
  private final Records records;
  private final ConcurrentMap<String, Written> written = new ConcurrentHashMap<>();

  Registrations(KV kv, Lease leases, Calls calls, Keys keys, Records records) {
    this.kv = kv;
    this.leases = leases;
    this.calls = calls;
    this.keys = keys;
    this.records = records;
  }

  /** Registers one node of {@code service}; {@code ttl} zero writes a key without a lease. */
  void register(Service service, Node node, Duration ttl) {
    String key = keys.node(service.name(), node.id());
    Service record = service.withNodes(List.of(node));
    Written known = written.get(key);
    if (known == null) {
      known = adopt(key, record, ttl);
    }
    if (known != null && known.record.equals(record) && known.ttl.equals(ttl)) {
      if (known.lease == 0 || keepAlive(key, known.lease)) {
        written.put(key, known);
        return;
      }
    }
    long lease = ttl.isZero() ? 0 : grant(key, ttl);
    PutOption put = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
    calls.await(kv.put(Keys.bytes(key), ByteSequence.from(Records.encode(record),
        StandardCharsets.UTF_8), put), "put " + key);
    written.put(key, new Written(record, ttl, lease));
    if (known != null && known.lease != 0 && known.lease != lease) {
      revokeQuietly(known.lease);
    }
  }

  /** Deletes the key of {@code node} and revokes its lease; a missing key is not an error. */
  void deregister(Service service, Node node) {
    String key = keys.node(service.name(), node.id());
    Written known = written.remove(key);
    calls.await(kv.delete(Keys.bytes(key)), "delete " + key);
    if (known != null && known.lease != 0) {
      revokeQuietly(known.lease);
    }
  }

  /** The lease of an identical record already at {@code key}, if etcd has one. */
  private @Nullable Written adopt(String key, Service record, Duration ttl) {
    GetResponse rsp = calls.await(kv.get(Keys.bytes(key)), "get " + key);
    for (KeyValue kvp : rsp.getKvs()) {
      if (kvp.getLease() <= 0) {
        continue;
      }
      Optional<Service> there = records.decode(key, kvp.getModRevision(), kvp.getValue().getBytes());
      if (there.isPresent() && there.get().equals(record)) {
        return new Written(record, ttl, kvp.getLease());
      }
    }
    return null;
  }

  /** Refreshes {@code lease} once; false when etcd no longer knows it. */
  private boolean keepAlive(String key, long lease) {
    try {
      calls.await(leases.keepAliveOnce(lease), "keep lease " + Long.toHexString(lease) + " of " + key + " alive");
      return true;
    } catch (MicroException e) {
      if (Calls.leaseNotFound(e)) {
        LOG.debug("etcd registry: lease {} of {} is gone; writing the node again", lease, key);
        return false;
      }
      throw e;
    }
  }

  private long grant(String key, Duration ttl) {
    long seconds = Math.max(1, ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0));
    return calls.await(leases.grant(seconds), "grant a " + seconds + " s lease for " + key).getID();
  }

  private void revokeQuietly(long lease) {
    leases.revoke(lease).whenComplete((ok, error) -> {
      if (error != null && !Calls.leaseNotFound(error)) {
        LOG.debug("etcd registry: could not revoke lease {}: {}", lease, error.toString());
      }
    });
  }
}
