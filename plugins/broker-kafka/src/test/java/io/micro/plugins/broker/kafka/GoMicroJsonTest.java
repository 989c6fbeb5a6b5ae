package io.micro.plugins.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class GoMicroJsonTest {

  @Test
  void encodesAsGoMarshalsABrokerMessageWithSortedHeaderKeys() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Micro-Topic", "go.micro.srv.greeter");
    h.put("Content-Type", "application/json");
    h.put("Micro-ID", "1");
    byte[] json = GoMicroJson.encode(h, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
        "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":\"1\",\"Micro-Topic\":"
            + "\"go.micro.srv.greeter\"},\"Body\":\"eyJpZCI6MX0K\"}");
  }

  @Test
  void decodesWhatGoWritesIgnoringTheCaseOfFieldNames() {
    GoMicroJson.Decoded d = GoMicroJson.decode(
        "{\"header\":{\"Micro-ID\":\"go-1\"},\"body\":\"eyJpZCI6MX0K\",\"Extra\":[1,{}]}".getBytes(StandardCharsets.UTF_8));
    assertThat(d.headers()).containsExactly(Map.entry("Micro-ID", "go-1"));
    assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}\n");
  }

  @Test
  void nullHeaderAndBodyAreEmpty() {
    GoMicroJson.Decoded d = GoMicroJson.decode("{\"Header\":null,\"Body\":null}".getBytes(StandardCharsets.UTF_8));
    assertThat(d.headers()).isEmpty();
    assertThat(d.body()).isEmpty();
  }

  @Test
  void somethingElseIsRefusedSayingWhatIsWrong() {
    assertThatThrownBy(() -> GoMicroJson.decode("plain text".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON");
    assertThatThrownBy(() -> GoMicroJson.decode("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> GoMicroJson.decode("{\"Header\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header a");
    assertThatThrownBy(() -> GoMicroJson.decode("{\"Body\":\"***\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoMicroJson.decode("{\"Header\":{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void goMicroEncodingMergesRecordHeadersAndAddsTheTopicWhenMissing() {
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("orders", 0, 0, null,
        "{\"Header\":{\"A\":\"json\",\"B\":\"json\"},\"Body\":\"\"}".getBytes(StandardCharsets.UTF_8));
    r.headers().add(new RecordHeader("B", "record".getBytes(StandardCharsets.UTF_8)));
    Event e = KafkaEncoding.GO_MICRO.decode(r);
    assertThat(e.headers()).containsEntry("A", "json").containsEntry("B", "record")
        .containsEntry(Event.TOPIC, "orders");
  }

  @Test
  void theKeyIsTheMicroKeyHeaderInBothEncodings() {
    Event keyed = Event.of(Map.of(Event.KEY, "order-7"), new byte[] {1});
    Event plain = Event.of(Map.of(), new byte[] {1});
    for (KafkaEncoding enc : KafkaEncoding.values()) {
      assertThat(enc.record("t", keyed).key()).isEqualTo("order-7".getBytes(StandardCharsets.UTF_8));
      assertThat(enc.record("t", plain).key()).isNull();
    }
  }
}
