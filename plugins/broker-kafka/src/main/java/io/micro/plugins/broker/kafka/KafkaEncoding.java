package io.micro.plugins.broker.kafka;

import io.micro.broker.Event;
import io.micro.broker.spi.GoMicroMessage;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link Event} is laid out in a Kafka record. In both encodings the record key is the
 * event's {@link Event#KEY} header ({@code Micro-Key}, UTF-8) when present, else null (Kafka then
 * spreads records over the partitions).
 */
public enum KafkaEncoding {
  /**
   * What go-micro's kafka plugin ({@code github.com/go-micro/plugins/v4/broker/kafka}, sarama)
   * writes, and the default: the record value is Go's JSON of {@code broker.Message},
   * {@code {"Header":{...},"Body":"<base64>"}}, with no record headers. Go publishers and
   * subscribers on the same topics understand it. On receipt, record headers (if a producer added
   * any) are merged over the JSON headers, as go-micro does. A value that is not such JSON is
   * undecodable: logged, counted and committed.
   */
  GO_MICRO {
    @Override
    ProducerRecord<byte[], byte[]> record(String topic, Event event) {
      return new ProducerRecord<>(topic, null, key(event), GoMicroMessage.encode(event));
    }

    @Override
    Event decode(ConsumerRecord<byte[], byte[]> record) {
      byte[] value = record.value();
      if (value == null) {
        throw MicroException.badRequest(KafkaBroker.ERROR_ID, "null value (expected: a go-micro JSON broker message)");
      }
      Event decoded = GoMicroMessage.decode(value);
      Map<String, String> headers = new LinkedHashMap<>(decoded.headers());
      for (Header h : record.headers()) {
        headers.put(h.key(), text(h.value()));
      }
      headers.putIfAbsent(Event.TOPIC, record.topic());
      return new Event(headers, decoded.body());
    }

    @Override
    int overhead(int bodySize) {
      return bodySize / 3 + 4; // base64 growth; headers are counted separately
    }
  },

  /**
   * Kafka-native: each event header is a record header (value UTF-8), the record value is the body
   * itself. Smaller and readable by any Kafka tool, but go-micro's kafka plugin does not understand
   * it (it would fail to unmarshal the value).
   */
  NATIVE {
    @Override
    ProducerRecord<byte[], byte[]> record(String topic, Event event) {
      List<Header> headers = new ArrayList<>(event.headers().size());
      event.headers().forEach((k, v) -> headers.add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
      return new ProducerRecord<>(topic, null, key(event), event.body(), headers);
    }

    @Override
    Event decode(ConsumerRecord<byte[], byte[]> record) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header h : record.headers()) {
        headers.put(h.key(), text(h.value()));
      }
      byte[] value = record.value();
      return new Event(headers, value == null ? new byte[0] : value);
    }

    @Override
    int overhead(int bodySize) {
      return 0;
    }
  };

  /** The record for {@code event} on {@code topic}. */
  abstract ProducerRecord<byte[], byte[]> record(String topic, Event event);

  /**
   * The event in {@code record}.
   *
   * @throws MicroException 400 saying why the record is not an event in this encoding
   */
  abstract Event decode(ConsumerRecord<byte[], byte[]> record);

  /** How many bytes the encoding adds to a body of {@code bodySize} bytes, headers aside. */
  abstract int overhead(int bodySize);

  static byte @Nullable [] key(Event event) {
    String key = event.header(Event.KEY);
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte @Nullable [] value) {
    return value == null ? "" : new String(value, StandardCharsets.UTF_8);
  }
}
