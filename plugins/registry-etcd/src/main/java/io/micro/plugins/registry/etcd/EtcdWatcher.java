package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.micro.registry.Service;
import io.micro.registry.Watcher;
import io.micro.registry.spi.QueueWatcher;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An etcd watch on a key prefix with previous values, reported as go-micro's etcd watcher does: a
 * put is {@code create} when it made the key (its first revision) and {@code update} otherwise; a
 * delete (also a lease expiring) is {@code delete} with the service of the previous value. Values
 * that are not service records are skipped.
 *
 * <p>The watch outlives etcd restarts: jetcd resumes it from the last revision seen. When jetcd
 * gives up on a watch (history compacted, watch cancelled by the server) it is started again a
 * second later, from the next revision or, after a compaction, from the present. Events reach the
 * queue in etcd's order, from jetcd's threads.
 */
final class EtcdWatcher implements Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatcher.class);
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  private final Watch watch;
  private final String keyPrefix;
  private final Records records;
  private final QueueWatcher queue;
  /** The jetcd watch whose callbacks count; null once closed. */
  private volatile @Nullable Generation current;
  /** The next revision to watch from; 0 is "from now". */
  private volatile long nextRevision;
  private volatile boolean closed;

  /**
   * Starts watching {@code keyPrefix} from {@code fromRevision}.
   *
   * @param service the service name to report, or empty for every service
   * @param onClose run once when this watcher closes
   */
  EtcdWatcher(Watch watch, String keyPrefix, String service, long fromRevision, Records records,
      Runnable onClose) {
    this.watch = watch;
    this.keyPrefix = keyPrefix;
    this.records = records;
    this.nextRevision = fromRevision;
    this.queue = new QueueWatcher(service, () -> {
      closeEtcdWatch();
      onClose.run();
    });
    begin();
  }

  @Override
  public Optional<Result> next(Duration timeout) {
    return queue.next(timeout);
  }

  @Override
  public void close() {
    closed = true;
    queue.close();
  }

  private void begin() {
    if (closed) {
      return;
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true)
        .withRevision(nextRevision).build();
    Generation generation = new Generation();
    current = generation;
    Watch.Watcher handle = watch.watch(Keys.bytes(keyPrefix), option, generation);
    generation.handle = handle;
    if (closed || current != generation) {
      handle.close();
    }
  }

  private void closeEtcdWatch() {
    Generation g = current;
    current = null;
    Watch.Watcher handle = g == null ? null : g.handle;
    if (handle != null) {
      handle.close();
    }
  }

  private void onEvent(WatchEvent event) {
    KeyValue kv = event.getKeyValue();
    nextRevision = Math.max(nextRevision, kv.getModRevision() + 1);
    switch (event.getEventType()) {
      case PUT -> {
        String key = Keys.text(kv.getKey());
        String action = kv.getCreateRevision() == kv.getModRevision() ? "create" : "update";
        records.decode(key, kv.getModRevision(), kv.getValue().getBytes())
            .ifPresent(s -> queue.offer(action, s));
      }
      case DELETE -> {
        KeyValue prev = event.getPrevKV();
        if (prev == null || prev.getValue().isEmpty()) {
          LOG.debug("etcd registry: delete of {} without its previous value; not reported",
              Keys.text(kv.getKey()));
          return;
        }
        Optional<Service> gone = records.decode(Keys.text(prev.getKey()), prev.getModRevision(),
            prev.getValue().getBytes());
        gone.ifPresent(s -> queue.offer("delete", s));
      }
      default -> { }
    }
  }

  /** One jetcd watch; callbacks of a replaced watch are ignored. */
  private final class Generation implements Watch.Listener {
    volatile Watch.@Nullable Watcher handle;

    private boolean live() {
      return !closed && current == this;
    }

    @Override
    public void onNext(WatchResponse response) {
      if (!live()) {
        return;
      }
      for (WatchEvent event : response.getEvents()) {
        onEvent(event);
      }
    }

    @Override
    public void onError(Throwable error) {
      if (!live()) {
        return;
      }
      if (error instanceof CompactedException) {
        LOG.warn("etcd registry: watch of {} lost history before revision {}; changes in between are "
            + "not reported", keyPrefix, ((CompactedException) error).getCompactedRevision());
        nextRevision = 0;
      } else {
        LOG.debug("etcd registry: watch of {} interrupted ({}); jetcd resumes it", keyPrefix,
            error.toString());
      }
    }

    @Override
    public void onCompleted() {
      if (!live()) {
        return;
      }
      LOG.warn("etcd registry: watch of {} ended; watching again from revision {}", keyPrefix,
          nextRevision);
      closeEtcdWatch();
      CompletableFuture.runAsync(EtcdWatcher.this::begin,
          CompletableFuture.delayedExecutor(RESTART_DELAY.toMillis(), TimeUnit.MILLISECONDS));
    }
  }
}
