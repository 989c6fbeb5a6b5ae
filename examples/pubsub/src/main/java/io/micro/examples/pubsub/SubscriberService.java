package io.micro.examples.pubsub;

import io.micro.Service;
import io.micro.broker.SubscribeOptions;
import io.micro.metadata.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service {@code go.micro.srv.pubsub}: the object subscriber {@link Sub} gets every event of
 * topic 1 (each running instance does), and a function in the queue group {@code pubsub.workers}
 * gets the events of topic 2 (one instance each). Run several to see the difference.
 */
public final class SubscriberService {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriberService.class);

  private SubscriberService() {}

  /** The object subscriber: its public method becomes the endpoint {@code Sub.Process}. */
  public static final class Sub {
    /** Logs the event with its headers. */
    public void process(Metadata metadata, PubsubEvent event) {
      LOG.info("[pubsub.1] received {} with metadata {}", event, metadata);
    }
  }

  /** The service, built from {@code args} (standard flags), with both subscribers. */
  public static Service build(String... args) {
    Service service = Service.builder().name("go.micro.srv.pubsub").args(args).build();
    service.server()
        .subscribe(Topics.ONE, new Sub())
        .subscribe(Topics.TWO, PubsubEvent.class,
            (md, event) -> LOG.info("[pubsub.2] received {} (queue {})", event, Topics.QUEUE),
            SubscribeOptions.builder().queue(Topics.QUEUE).build());
    return service;
  }

  /** Runs until SIGTERM or SIGINT. */
  public static void main(String[] args) {
    build(args).run();
  }
}
