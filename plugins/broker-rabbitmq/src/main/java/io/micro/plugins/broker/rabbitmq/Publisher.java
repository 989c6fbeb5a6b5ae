package io.micro.plugins.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One channel in publisher-confirm mode, shared by every publish of a broker. Each publish gets a
 * future completed when the server confirms it (ack), failed when the server refuses it (nack) or
 * when the channel goes down before the confirm arrived (the event may or may not have been
 * routed, so the caller hears about it). Publishing is serialized by a lock (sequence numbers must
 * follow the wire order); confirms arrive on the connection's I/O thread.
 *
 * <p>The channel comes back by itself with the connection; a channel the server closed (publishing
 * to an exchange someone deleted, say) is replaced by a new one on the next publish.
 */
final class Publisher {
  private final Connection connection;
  private final String broker;
  private final ReentrantLock lock = new ReentrantLock();
  private Line line;
  private volatile boolean closed;

  Publisher(Connection connection, String broker) throws IOException {
    this.connection = connection;
    this.broker = broker;
    this.line = new Line(connection.createChannel());
  }

  /**
   * Publishes and returns the confirmation: completes normally once the server has taken
   * responsibility for the message, exceptionally with a 503 {@link MicroException} otherwise.
   * Never throws.
   */
  CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    lock.lock();
    try {
      Line l = usableLine();
      long seq = l.channel.getNextPublishSeqNo();
      l.pending.put(seq, confirmed);
      try {
        l.channel.basicPublish(exchange, routingKey, false, props, body);
      } catch (IOException | RuntimeException e) {
        l.pending.remove(seq);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      confirmed.completeExceptionally(MicroException.of(RabbitMqBroker.ERROR_ID, 503, "broker " + broker
          + ": cannot publish to " + (exchange.isEmpty() ? "queue " : "exchange " + exchange + " with routing key ")
          + routingKey + " (" + RabbitMqBroker.reason(e) + ")").withCause(e));
    } finally {
      lock.unlock();
    }
    return confirmed;
  }

  /** The channel, replaced when the server closed it while the connection stayed up. */
  private Line usableLine() throws IOException {
    if (closed) {
      throw new IllegalStateException("publisher closed");
    }
    if (!line.channel.isOpen() && connection.isOpen()) {
      line.close("the channel was closed by the server before it confirmed it");
      line = new Line(connection.createChannel());
    }
    return line;
  }

  /** Closes the channel; unconfirmed publishes fail. */
  void close() {
    lock.lock();
    try {
      closed = true;
      line.close("the broker was closed before the server confirmed it");
    } finally {
      lock.unlock();
    }
  }

  /** A confirm channel and the publishes it has not had confirmed yet. */
  private final class Line {
    final Channel channel;
    final ConcurrentSkipListMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();

    Line(Channel channel) throws IOException {
      this.channel = channel;
      channel.confirmSelect();
      channel.addConfirmListener((seq, multiple) -> settle(seq, multiple, null),
          (seq, multiple) -> settle(seq, multiple, "the server refused it (nack)"));
      channel.addShutdownListener(cause -> failAll("the channel closed before the server confirmed it ("
          + RabbitMqBroker.reason(cause) + ")"));
      if (channel instanceof Recoverable r) {
        r.addRecoveryListener(new RecoveryListener() {
          @Override
          public void handleRecovery(Recoverable recoverable) {
            // publishes on the recovered channel are new; the old ones failed when it went down
          }

          @Override
          public void handleRecoveryStarted(Recoverable recoverable) {
            failAll("the connection was lost before the server confirmed it");
          }
        });
      }
    }

    /** Closes the channel (which also takes it out of connection recovery) and fails what is pending. */
    void close(String why) {
      try {
        channel.close();
      } catch (IOException | RuntimeException | TimeoutException ignored) {
        // already closed, or the connection went with it
      }
      failAll(why);
    }

    private void settle(long seq, boolean multiple, @Nullable String refused) {
      if (multiple) {
        ConcurrentNavigableMap<Long, CompletableFuture<Void>> done = pending.headMap(seq, true);
        for (Map.Entry<Long, CompletableFuture<Void>> e : done.entrySet()) {
          complete(e.getValue(), refused);
        }
        done.clear();
      } else {
        CompletableFuture<Void> f = pending.remove(seq);
        if (f != null) {
          complete(f, refused);
        }
      }
    }

    private void complete(CompletableFuture<Void> f, @Nullable String refused) {
      if (refused == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(MicroException.of(RabbitMqBroker.ERROR_ID, 503,
            "broker " + broker + ": event not confirmed: " + refused));
      }
    }

    private void failAll(String why) {
      // polled one by one: a publish racing with this keeps its entry (it will be confirmed or fail)
      Map.Entry<Long, CompletableFuture<Void>> e;
      while ((e = pending.pollFirstEntry()) != null) {
        e.getValue().completeExceptionally(MicroException.of(RabbitMqBroker.ERROR_ID, 503,
            "broker " + broker + ": event not confirmed: " + why));
      }
    }
  }
}
