package io.micro.plugins.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingOffsetsTest {
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);
  private final PendingOffsets offsets = new PendingOffsets();

  @Test
  void commitsUpToTheLowestUnacknowledgedOffset() {
    offsets.assign(p0);
    for (long o = 10; o < 15; o++) {
      offsets.handedOut(p0, o);
    }
    assertThat(offsets.toCommit()).as("nothing done yet: the group is where it was").isEmpty();
    offsets.ack(p0, 11);
    offsets.ack(p0, 12);
    assertThat(offsets.toCommit()).as("10 still pending").isEmpty();
    offsets.ack(p0, 10);
    assertThat(offsets.toCommit()).isEqualTo(Map.of(p0, new OffsetAndMetadata(13)));
    offsets.ack(p0, 13);
    offsets.ack(p0, 14);
    assertThat(offsets.toCommit()).isEqualTo(Map.of(p0, new OffsetAndMetadata(15)));
    assertThat(offsets.total()).isZero();
  }

  @Test
  void commitsOnlyWhatMovedSinceTheLastCommit() {
    offsets.assign(p0);
    offsets.assign(p1);
    offsets.handedOut(p0, 0);
    offsets.ack(p0, 0);
    offsets.committed(offsets.toCommit());
    assertThat(offsets.toCommit()).isEmpty();
    offsets.handedOut(p1, 5);
    offsets.ack(p1, 5);
    assertThat(offsets.toCommit()).isEqualTo(Map.of(p1, new OffsetAndMetadata(6)));
    offsets.uncommitted(Map.of(p0, new OffsetAndMetadata(1)));
    assertThat(offsets.toCommit()).containsEntry(p0, new OffsetAndMetadata(1));
  }

  @Test
  void rewindForgetsWhatWasHandedOutFromThereOn() {
    offsets.assign(p0);
    for (long o = 0; o < 5; o++) {
      offsets.handedOut(p0, o);
    }
    offsets.ack(p0, 0);
    offsets.ack(p0, 1);
    offsets.rewind(p0, 2);
    assertThat(offsets.total()).isZero();
    assertThat(offsets.toCommit()).isEqualTo(Map.of(p0, new OffsetAndMetadata(2)));
    assertThat(offsets.ack(p0, 3)).as("a late ack of an event handed out again").isFalse();
    offsets.committed(offsets.toCommit());
    offsets.handedOut(p0, 2);
    offsets.handedOut(p0, 3);
    offsets.ack(p0, 3);
    assertThat(offsets.toCommit()).as("2 is pending again").isEmpty();
    offsets.ack(p0, 2);
    assertThat(offsets.toCommit()).isEqualTo(Map.of(p0, new OffsetAndMetadata(4)));
  }

  @Test
  void removedPartitionsAreForgotten() {
    offsets.assign(p0);
    offsets.handedOut(p0, 0);
    offsets.remove(List.of(p0));
    assertThat(offsets.tracks(p0)).isFalse();
    assertThat(offsets.total()).isZero();
    assertThat(offsets.ack(p0, 0)).isFalse();
    assertThat(offsets.toCommit()).isEmpty();
  }
}
