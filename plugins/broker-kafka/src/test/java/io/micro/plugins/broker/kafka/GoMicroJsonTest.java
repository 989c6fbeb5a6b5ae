package io.micro.plugins.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
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
  void escapesStringsAsGoDoes() {
    Map<String, String> h = Map.of("k", "q\"b\\ <a>&\n\r\t\u0001 é ✓ 😀 \u2028\ud800x");
    String json = new String(GoMicroJson.encode(h, new byte[0]), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"Header\":{\"k\":\"q\\\"b\\\\ \\u003ca\\u003e\\u0026\\n\\r\\t\\u0001 é ✓ 😀 "
        + "\\u2028\ufffdx\"},\"Body\":\"\"}");
    assertThat(GoMicroJson.decode(json.getBytes(StandardCharsets.UTF_8)).headers().get("k"))
        .isEqualTo("q\"b\\ <a>&\n\r\t\u0001 é ✓ 😀 \u2028\ufffdx");
  }

  @Test
  void encodedMessagesDecodeToWhatWasEncodedByBothReaders() {
    java.util.Random random = new java.util.Random(42);
    for (int len = 0; len < 40; len++) {
      byte[] body = new byte[len];
      random.nextBytes(body);
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Micro-ID", "id-" + len);
      h.put("X-" + len, "v\"" + (char) ('a' + len % 26) + "\u00e9\\");
      byte[] json = GoMicroJson.encode(h, body);
      assertThat(json).asString(StandardCharsets.UTF_8).contains(java.util.Base64.getEncoder().encodeToString(body));
      for (GoMicroJson.Decoded d : List.of(GoMicroJson.decode(json), GoMicroJson.decodeFully(json))) {
        assertThat(d.headers()).isEqualTo(h);
        assertThat(d.body()).isEqualTo(body);
      }
    }
  }

  @Test
  void fastAndFullReadersAgreeOnUnusualButValidMessages() {
    String[] inputs = {
        " { \"body\" : \"AQI=\" , \"HEADER\" : { \"a\" : \"\\u00e9\\ud83d\\ude00\\/\" , \"b\" : null } } ",
        "{}",
        "{\"Header\":{},\"Body\":null}",
        "{\"Header\":null}",
        "{\"Body\":\"\",\"Extra\":{\"x\":[1,2]}}",
        "{\"Body\":\"AQ\\u003d\\u003d\"}",
    };
    for (String in : inputs) {
      byte[] json = in.getBytes(StandardCharsets.UTF_8);
      GoMicroJson.Decoded fast = GoMicroJson.decode(json);
      GoMicroJson.Decoded full = GoMicroJson.decodeFully(json);
      assertThat(fast.headers()).as(in).isEqualTo(full.headers());
      assertThat(fast.body()).as(in).isEqualTo(full.body());
    }
    assertThat(GoMicroJson.decode(inputs[0].getBytes(StandardCharsets.UTF_8)).headers())
        .containsExactly(Map.entry("a", "é😀/"));
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
