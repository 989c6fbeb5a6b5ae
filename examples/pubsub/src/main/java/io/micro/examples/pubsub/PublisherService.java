package io.micro.examples.pubsub;

import io.micro.Service;
import io.micro.client.Client;
import io.micro.client.PublishOptions;
import io.micro.metadata.Metadata;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one event to each topic every second: {@code java -cp pubsub.jar
 * io.micro.examples.pubsub.PublisherService [count]} (forever without a count).
 */
public final class PublisherService {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherService.class);

  private PublisherService() {}

  /** Publishes one event on {@code topic} with the client of {@code service}. */
  public static PubsubEvent publish(Client client, String topic, int n) {
    PubsubEvent event = new PubsubEvent(UUID.randomUUID().toString(), Instant.now().getEpochSecond(),
        "event " + n + " on " + topic);
    client.publish(topic, event, PublishOptions.DEFAULT.withMetadata(Metadata.of("Publisher", "pubsub-example")));
    LOG.info("published {}", event);
    return event;
  }

  /** Publishes {@code args[0]} rounds (default: until stopped), one second apart. */
  public static void main(String[] args) throws InterruptedException {
    try (Service service = Service.builder().name("go.micro.cli.pubsub").args(args).build()) {
      service.start();
      long count = service.options().args().isEmpty() ? Long.MAX_VALUE
          : Long.parseLong(service.options().args().get(0));
      for (int n = 1; n <= count; n++) {
        publish(service.client(), Topics.ONE, n);
        publish(service.client(), Topics.TWO, n);
        Thread.sleep(1000);
      }
    }
  }
}
