package io.micro.examples.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.Service;
import io.micro.broker.SubscribeOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Publisher and subscribers as separate services, each with its own mDNS registry on loopback and
 * its own HTTP broker, as they run in separate processes: the broadcast topic reaches every
 * subscriber, the queue group topic one member each time.
 */
class PubSubOverMdnsIT {

  @Test
  void publisherReachesSubscribersOverTheHttpBrokerFoundWithMdns() throws Exception {
    List<String> broadcastA = new CopyOnWriteArrayList<>();
    List<String> broadcastB = new CopyOnWriteArrayList<>();
    List<String> queue = new CopyOnWriteArrayList<>();
    SubscribeOptions group = SubscribeOptions.builder().queue(Topics.QUEUE).build();
    try (Service a = Service.builder().name("pubsub.a").environment(Map.of()).build();
        Service b = Service.builder().name("pubsub.b").environment(Map.of()).build();
        Service pub = Service.builder().name("pubsub.pub").environment(Map.of()).build()) {
      a.server().subscribe(Topics.ONE, PubsubEvent.class, (md, e) -> broadcastA.add(e.id()))
          .subscribe(Topics.TWO, PubsubEvent.class, (md, e) -> queue.add(e.id()), group);
      b.server().subscribe(Topics.ONE, PubsubEvent.class, (md, e) -> broadcastB.add(e.id()))
          .subscribe(Topics.TWO, PubsubEvent.class, (md, e) -> queue.add(e.id()), group);
      a.start();
      b.start();
      pub.start();
      assertThat(a.registry().name()).isEqualTo("mdns");
      assertThat(pub.broker().name()).isEqualTo("http");

      // mDNS needs a moment to show the new subscribers: publish until both have heard one
      List<String> sent = new CopyOnWriteArrayList<>();
      long end = System.nanoTime() + 30_000_000_000L;
      int n = 0;
      while ((broadcastA.isEmpty() || broadcastB.isEmpty()) && System.nanoTime() < end) {
        sent.add(PublisherService.publish(pub.client(), Topics.ONE, ++n).id());
        Thread.sleep(250);
      }
      assertThat(broadcastA).as("subscriber a").isNotEmpty();
      assertThat(broadcastB).as("subscriber b").isNotEmpty();

      long warm = System.nanoTime() + 30_000_000_000L;
      while (queue.isEmpty() && System.nanoTime() < warm) {
        PublisherService.publish(pub.client(), Topics.TWO, 0);
        Thread.sleep(250);
      }
      assertThat(queue).as("queue group").isNotEmpty();

      // now all are known: the next events reach both broadcast subscribers, and the group once
      String last = PublisherService.publish(pub.client(), Topics.ONE, ++n).id();
      List<String> jobs = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 10; i++) {
        jobs.add(PublisherService.publish(pub.client(), Topics.TWO, i).id());
      }
      long until = System.nanoTime() + 20_000_000_000L;
      while ((!broadcastA.contains(last) || !broadcastB.contains(last) || !queue.containsAll(jobs))
          && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertThat(broadcastA).contains(last);
      assertThat(broadcastB).contains(last);
      assertThat(queue).containsAll(jobs);
      assertThat(queue.stream().filter(jobs::contains)).as("each job once").hasSize(jobs.size());
    }
  }
}
