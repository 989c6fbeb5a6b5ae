package io.micro.plugins.broker.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition were handed to the handler and not yet acknowledged, and
 * so how far the group may commit: up to (not including) the lowest unacknowledged offset, or past
 * the last one handed out when all are acknowledged. Acknowledgements may come in any order.
 * Confined to the consumer thread.
 */
final class PendingOffsets {
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();
  private int total;

  private static final class Partition {
    final TreeSet<Long> pending = new TreeSet<>();
    long next = -1; // one past the last offset handed out; -1: none yet
    long committed = -1; // last committed, or where this member started; -1: not known yet

    long position() {
      return pending.isEmpty() ? next : pending.first();
    }
  }

  /** Starts tracking {@code tp} (newly assigned). */
  void assign(TopicPartition tp) {
    partitions.computeIfAbsent(tp, k -> new Partition());
  }

  /** Stops tracking {@code tps} (revoked or lost); their pending offsets are forgotten. */
  void remove(Collection<TopicPartition> tps) {
    for (TopicPartition tp : tps) {
      Partition p = partitions.remove(tp);
      if (p != null) {
        total -= p.pending.size();
      }
    }
  }

  boolean tracks(TopicPartition tp) {
    return partitions.containsKey(tp);
  }

  /** True when {@code offset} of {@code tp} was handed out and is not acknowledged. */
  boolean isPending(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    return p != null && p.pending.contains(offset);
  }

  /** {@code offset} of {@code tp} was handed to the handler. */
  void handedOut(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p != null && p.pending.add(offset)) {
      total++;
      if (p.committed < 0) {
        p.committed = offset; // the group's position when this member got the partition
      }
      p.next = Math.max(p.next, offset + 1);
    }
  }

  /** {@code offset} of {@code tp} is done; false when it was not pending (stale or repeated). */
  boolean ack(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p != null && p.pending.remove(offset)) {
      total--;
      return true;
    }
    return false;
  }

  /** The consumer went back to {@code offset}: what was handed out from there on is pending no more. */
  void rewind(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p != null) {
      int before = p.pending.size();
      p.pending.tailSet(offset, true).clear();
      total -= before - p.pending.size();
      p.next = Math.min(p.next, offset);
    }
  }

  /** Handed out and not acknowledged, over all partitions. */
  int total() {
    return total;
  }

  /**
   * The offsets to commit for {@code tps}: those that moved forward since the last commit (or, before
   * the first, since where this member started: committing that again would say nothing).
   */
  Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : tps) {
      Partition p = partitions.get(tp);
      if (p != null) {
        long pos = p.position();
        if (pos > p.committed) {
          out.put(tp, new OffsetAndMetadata(pos));
        }
      }
    }
    return out;
  }

  /** {@link #toCommit(Collection)} over every tracked partition. */
  Map<TopicPartition, OffsetAndMetadata> toCommit() {
    return toCommit(partitions.keySet());
  }

  /** Records that {@code offsets} were committed. */
  void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, om) -> {
      Partition p = partitions.get(tp);
      if (p != null) {
        p.committed = om.offset();
      }
    });
  }

  /** A commit of {@code offsets} failed: the next commit repeats them (when still ahead). */
  void uncommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, om) -> {
      Partition p = partitions.get(tp);
      if (p != null && p.committed == om.offset()) {
        p.committed = om.offset() - 1;
      }
    });
  }
}
