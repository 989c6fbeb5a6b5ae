package io.micro.plugins.broker.kafka;

import io.micro.broker.Broker;
import io.micro.testing.BrokerContract;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Kafka broker against the shared contract, on an in-JVM KRaft broker started once. */
class KafkaBrokerContractTest extends BrokerContract {
  private static LoopbackKafka kafka;

  @BeforeAll
  static void startKafka() throws IOException {
    kafka = LoopbackKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  /** A client tuned for quick group changes; 3 partitions so that a queue group really splits. */
  static KafkaBroker.Builder client(String bootstrap) {
    return KafkaBroker.builder()
        .addresses(bootstrap)
        .partitions(3)
        .connectTimeout(Duration.ofSeconds(5))
        .closeTimeout(Duration.ofSeconds(5))
        .consumerProperty("session.timeout.ms", "6000")
        .consumerProperty("heartbeat.interval.ms", "300");
  }

  @Override
  protected Broker newBroker() {
    return client(kafka.bootstrap()).build();
  }

  @Override
  protected boolean durable() {
    return true;
  }

  @Override
  protected boolean ordered() {
    return true;
  }

  @Override
  protected Duration settle() {
    return Duration.ofSeconds(20);
  }

  @Override
  protected void restartBackend() {
    kafka.restart();
  }

  @Override
  protected Broker unreachableBroker() {
    try {
      return KafkaBroker.builder().addresses("127.0.0.1:" + LoopbackKafka.freePort())
          .connectTimeout(Duration.ofSeconds(2)).build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
