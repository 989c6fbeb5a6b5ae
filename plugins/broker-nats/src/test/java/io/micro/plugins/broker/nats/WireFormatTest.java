package io.micro.plugins.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** go-micro's broker message JSON, byte for byte as Go's encoding/json writes it. */
class WireFormatTest {

  /** The modern HTTP and NATS brokers' message from the protocol reference (C.6). */
  static final String GO_MESSAGE = "{\"Header\":{\"Content-Type\":\"application/json\","
      + "\"Micro-ID\":\"5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b\",\"Micro-Topic\":\"events\"},"
      + "\"Body\":\"eyJpZCI6MX0K\"}";

  @Test
  void encodesTheBytesGoWritesWithHeaderKeysSorted() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Micro-Topic", "events");
    h.put("Micro-ID", "5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b");
    h.put("Content-Type", "application/json");
    byte[] json = WireFormat.encode(Event.of(h, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(GO_MESSAGE);
  }

  @Test
  void escapesStringsAsGoDoes() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X", "a\"b\\c\n\r\t\b\f\u0001<p>&amp;\u2028\u2029\u007f é ✓ 😀");
    h.put("Lone", "x\ud800y");
    String json = new String(WireFormat.encode(Event.of(h, new byte[0])), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"Header\":{\"Lone\":\"x\\ufffdy\",\"X\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001"
        + "\\u003cp\\u003e\\u0026amp;\\u2028\\u2029\u007f é ✓ 😀\"},\"Body\":\"\"}");
  }

  @Test
  void sortsKeysByUtf8BytesLikeGoNotByUtf16() {
    // U+FF21 sorts before U+1F600 in UTF-8 (and code points) but after it in UTF-16 units
    Map<String, String> h = new LinkedHashMap<>();
    h.put("\ud83d\ude00", "emoji");
    h.put("\uff21", "fullwidth");
    h.put("B", "b");
    h.put("a", "a");
    String json = new String(WireFormat.encode(Event.of(h, new byte[0])), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"Header\":{\"B\":\"b\",\"a\":\"a\",\"\uff21\":\"fullwidth\","
        + "\"\ud83d\ude00\":\"emoji\"},\"Body\":\"\"}");
  }

  @Test
  void decodesWhatGoWrites() {
    Event e = WireFormat.decode(GO_MESSAGE.getBytes(StandardCharsets.UTF_8));
    assertThat(e.headers()).containsExactly(Map.entry("Content-Type", "application/json"),
        Map.entry("Micro-ID", "5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b"), Map.entry("Micro-Topic", "events"));
    assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}\n");
  }

  @Test
  void roundTripsBinaryBodiesAndAwkwardHeaders() {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    Map<String, String> h = Map.of("Unicode", "Grüße ✓ <&>", "Quote", "\"'\\", "Empty", "");
    Event e = WireFormat.decode(WireFormat.encode(Event.of(h, body)));
    assertThat(e.headers()).isEqualTo(h);
    assertThat(e.body()).isEqualTo(body);
  }

  @Test
  void readsFieldNamesInAnyCaseNullsAndUnknownFieldsAsGoDoes() {
    Event e = WireFormat.decode(("{\"header\":{\"A\":\"1\",\"N\":null},\"BODY\":null,\"Extra\":[1,{\"x\":2}]}")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(e.headers()).containsExactly(Map.entry("A", "1"));
    assertThat(e.body()).isEmpty();
    assertThat(WireFormat.decode("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(Event.of(Map.of(), new byte[0]));
    assertThat(WireFormat.decode("{\"Body\":\"YWI=\\n\"}".getBytes(StandardCharsets.UTF_8)).body())
        .isEqualTo("ab".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void goShapedMessagesTakeTheFastReaderAndItAgreesWithTheGeneralOne() {
    java.util.Random random = new java.util.Random(42);
    for (int n = 0; n < 200; n++) {
      byte[] body = new byte[n];
      random.nextBytes(body);
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Micro-ID", "id-" + n);
      h.put("Esc", "q\"b\\s/\n\t\u0001<&> é ✓ 😀 \u2028");
      if (n % 7 == 0) {
        h.clear();
      }
      byte[] json = WireFormat.encode(Event.of(h, body));
      Event fast = FastReader.read(json);
      assertThat(fast).as("fast path for %s", new String(json, StandardCharsets.UTF_8)).isNotNull();
      assertThat(fast).isEqualTo(WireFormat.decodeAnyJson(json)).isEqualTo(Event.of(h, body));
    }
  }

  @Test
  void otherShapesLeaveTheFastReaderForTheGeneralOne() {
    for (String json : new String[] {
        "{ \"Header\":{},\"Body\":\"\"}", "{\"Body\":\"YQ==\",\"Header\":{}}",
        "{\"Header\":{},\"Body\":null}", "{\"Header\":{},\"Body\":\"YQ\"}",
        "{\"Header\":{},\"Body\":\"YQ==\"}x", "{\"Header\":{\"a\":null},\"Body\":\"\"}",
        "{\"Header\":{},\"Body\":\"Y\\/==\"}", "{\"Header\":{\"a\":\"\\x\"},\"Body\":\"\"}",
        "{\"Header\":{\"a\":\"b\"", "{\"Header\":{},\"Body\":\"YQ=="}) {
      assertThat(FastReader.read(json.getBytes(StandardCharsets.UTF_8))).as(json).isNull();
    }
    assertThat(WireFormat.decode("{\"Header\":{},\"Body\":\"YQ\"}".getBytes(StandardCharsets.UTF_8)).body())
        .isEqualTo(new byte[] {'a'});
  }

  @Test
  void refusesWhatIsNotABrokerMessageSayingWhy() {
    assertThatThrownBy(() -> WireFormat.decode("hello".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> WireFormat.decode("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> WireFormat.decode("{\"Body\":\"@@@\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Body is not base64");
    assertThatThrownBy(() -> WireFormat.decode("{\"Header\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header a");
    assertThatThrownBy(() -> WireFormat.decode("{\"Header\":{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
