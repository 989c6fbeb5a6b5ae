package io.micro.plugins.registry.zookeeper;

import io.micro.errors.MicroException;
import io.micro.registry.Service;
import io.micro.registry.spi.QueueWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.jspecify.annotations.Nullable;

/**
 * One {@link CuratorCache} of the whole registry tree, shared by the watchers of one registry. It
 * turns znode changes at {@code <root>/<service>/<node>} into {@code create}, {@code update} and
 * {@code delete} results carrying the service with that node, in the order ZooKeeper applied them
 * (Curator calls the listener from one thread). A re-registration that only renews the TTL (same
 * bytes) is not reported. A malformed record is skipped with one warning; if it replaced a valid
 * one, the node is reported deleted.
 *
 * <p>It also remembers when each record was last written, for the registry's sweeper, which deletes
 * records whose TTL has passed.
 */
final class CacheWatch implements AutoCloseable {
  /** What the cache knows of one node record. */
  record Entry(Records.Decoded record, int version, long mtimeMillis) {}

  /** A record whose TTL passed, to be deleted if still at {@code version}. */
  record Expired(String path, int version) {}

  private final ZnodePaths paths;
  private final Malformed malformed;
  private final CuratorCache cache;
  private final List<QueueWatcher> watchers = new CopyOnWriteArrayList<>();
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final CountDownLatch initialized = new CountDownLatch(1);

  private CacheWatch(CuratorFramework client, ZnodePaths paths, Malformed malformed) {
    this.paths = paths;
    this.malformed = malformed;
    this.cache = CuratorCache.build(client, paths.root());
    cache.listenable().addListener(new CuratorCacheListener() {
      @Override
      public void event(Type type, @Nullable ChildData oldData, @Nullable ChildData data) {
        onEvent(type, oldData, data);
      }

      @Override
      public void initialized() {
        initialized.countDown();
      }
    });
  }

  /**
   * Starts the cache and waits until it holds the current tree.
   *
   * @throws MicroException when the tree could not be read within {@code wait}
   */
  static CacheWatch start(
      CuratorFramework client, ZnodePaths paths, Malformed malformed, Duration wait, String where) {
    CacheWatch watch = new CacheWatch(client, paths, malformed);
    watch.cache.start();
    boolean ready;
    try {
      ready = watch.initialized.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready = false;
    }
    if (!ready) {
      watch.close();
      throw MicroException.of(ZookeeperRegistry.ERROR_ID, 503, String.format(
          "zookeeper registry: could not read %s from %s within %d ms (expected: a reachable ensemble)",
          paths.root(), where, wait.toMillis()));
    }
    return watch;
  }

  void add(QueueWatcher watcher) {
    watchers.add(watcher);
  }

  void remove(QueueWatcher watcher) {
    watchers.remove(watcher);
  }

  /** The records whose TTL has passed at {@code nowMillis} (wall clock). */
  List<Expired> expired(long nowMillis) {
    List<Expired> out = new ArrayList<>();
    entries.forEach((path, e) -> {
      if (e.record().expired(e.mtimeMillis(), nowMillis)) {
        out.add(new Expired(path, e.version()));
      }
    });
    return out;
  }

  /** Stops the cache and closes every watcher. */
  @Override
  public void close() {
    cache.close();
    for (QueueWatcher w : watchers) {
      w.close();
    }
  }

  private void onEvent(CuratorCacheListener.Type type, @Nullable ChildData oldData,
      @Nullable ChildData data) {
    ChildData any = data != null ? data : oldData;
    if (any == null || paths.depth(any.getPath()) != 2) {
      return;
    }
    String path = any.getPath();
    switch (type) {
      case NODE_CREATED -> {
        Entry now = decode(data);
        if (now != null) {
          entries.put(path, now);
          publish("create", now);
        }
      }
      case NODE_CHANGED -> {
        Entry before = entries.get(path);
        Entry now = decode(data);
        if (now == null) {
          entries.remove(path);
          if (before != null) {
            publish("delete", before);
          }
          return;
        }
        entries.put(path, now);
        if (before == null) {
          publish("create", now);
        } else if (oldData == null || data == null
            || !Arrays.equals(oldData.getData(), data.getData())) {
          publish("update", now);
        }
      }
      case NODE_DELETED -> {
        Entry before = entries.remove(path);
        if (before != null) {
          publish("delete", before);
        }
      }
    }
  }

  private @Nullable Entry decode(@Nullable ChildData data) {
    if (data == null || data.getStat() == null) {
      return null;
    }
    if (data.getStat().getNumChildren() > 0) {
      return null; // not a record: go-micro skips znodes that have children too
    }
    byte[] bytes = data.getData() == null ? new byte[0] : data.getData();
    try {
      return new Entry(Records.decode(bytes), data.getStat().getVersion(), data.getStat().getMtime());
    } catch (IllegalArgumentException e) {
      malformed.warn(data.getPath(), data.getStat().getMzxid(), e.getMessage());
      return null;
    }
  }

  private void publish(String action, Entry entry) {
    if (initialized.getCount() > 0) {
      return; // the initial load: watchers report changes made after they were created
    }
    Service service = entry.record().service();
    for (QueueWatcher w : watchers) {
      w.offer(action, service);
    }
  }
}
