package io.micro.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** go-micro's broker message JSON, byte for byte as Go's encoding/json writes it. */
class GoMicroMessageTest {

  /** The modern HTTP and NATS brokers' message from the protocol reference (C.6). */
  static final String GO_MESSAGE = "{\"Header\":{\"Content-Type\":\"application/json\","
      + "\"Micro-ID\":\"5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b\",\"Micro-Topic\":\"events\"},"
      + "\"Body\":\"eyJpZCI6MX0K\"}";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encodesTheBytesGoWritesWithHeaderKeysSorted() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Micro-Topic", "events");
    h.put("Micro-ID", "5d2a3c1e-8a4b-4f1e-9c7d-2b6e0f3a1c9b");
    h.put("Content-Type", "application/json");
    byte[] json = GoMicroMessage.encode(Event.of(h, utf8("{\"id\":1}\n")));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(GO_MESSAGE);
  }

  @Test
  void escapesStringsAsGoDoes() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X", "a\"b\\c\n\r\t\b\f\u0001<p>&amp;\u2028\u2029\u007f é ✓ 😀");
    h.put("Lone", "x\ud800y");
    String json = new String(GoMicroMessage.encode(Event.of(h, new byte[0])), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"Header\":{\"Lone\":\"x\\ufffdy\",\"X\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001"
        + "\\u003cp\\u003e\\u0026amp;\\u2028\\u2029\u007f é ✓ 😀\"},\"Body\":\"\"}");
    assertThat(GoMicroMessage.decode(utf8(json)).headers())
        .containsEntry("X", "a\"b\\c\n\r\t\b\f\u0001<p>&amp;\u2028\u2029\u007f é ✓ 😀")
        .containsEntry("Lone", "x\ufffdy");
  }

  @Test
  void sortsKeysByUtf8BytesLikeGoNotByUtf16() {
    // U+FF21 sorts before U+1F600 in UTF-8 (and code points) but after it in UTF-16 units
    Map<String, String> h = new LinkedHashMap<>();
    h.put("\ud83d\ude00", "emoji");
    h.put("\uff21", "fullwidth");
    h.put("B", "b");
    h.put("a", "a");
    String json = new String(GoMicroMessage.encode(Event.of(h, new byte[0])), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"Header\":{\"B\":\"b\",\"a\":\"a\",\"\uff21\":\"fullwidth\","
        + "\"\ud83d\ude00\":\"emoji\"},\"Body\":\"\"}");
  }

  @Test
  void bodiesAreStandardPaddedBase64() {
    Random random = new Random(7);
    for (int n = 0; n < 40; n++) {
      byte[] body = new byte[n];
      random.nextBytes(body);
      assertThat(new String(GoMicroMessage.encode(Event.of(Map.of(), body)), StandardCharsets.UTF_8))
          .isEqualTo("{\"Header\":{},\"Body\":\"" + Base64.getEncoder().encodeToString(body) + "\"}");
    }
  }

  @Test
  void decodesWhatGoWrites() {
    Event e = GoMicroMessage.decode(utf8(GO_MESSAGE));
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
    Event e = GoMicroMessage.decode(GoMicroMessage.encode(Event.of(h, body)));
    assertThat(e.headers()).isEqualTo(h);
    assertThat(e.body()).isEqualTo(body);
  }

  @Test
  void readsFieldNamesInAnyCaseNullsAndUnknownFieldsAsGoDoes() {
    Event e = GoMicroMessage.decode(utf8("{\"header\":{\"A\":\"1\",\"N\":null},\"BODY\":null,\"Extra\":[1,{\"x\":2}]}"));
    assertThat(e.headers()).containsExactly(Map.entry("A", "1"));
    assertThat(e.body()).isEmpty();
    assertThat(GoMicroMessage.decode(utf8("{}"))).isEqualTo(Event.of(Map.of(), new byte[0]));
    assertThat(GoMicroMessage.decode(utf8("{\"Header\":null,\"Body\":null}"))).isEqualTo(Event.of(Map.of(), new byte[0]));
    assertThat(GoMicroMessage.decode(utf8("{\"Body\":\"YWI=\\n\"}")).body()).isEqualTo(utf8("ab"));
  }

  @Test
  void unusualButValidMessagesDecodeAsGoDecodesThem() {
    Event e = GoMicroMessage.decode(
        utf8(" { \"body\" : \"AQI=\" , \"HEADER\" : { \"a\" : \"\\u00e9\\ud83d\\ude00\\/\" , \"b\" : null } } "));
    assertThat(e.headers()).containsExactly(Map.entry("a", "é😀/"));
    assertThat(e.body()).containsExactly(1, 2);
    assertThat(GoMicroMessage.decode(utf8("{\"Body\":\"AQ\\u003d\\u003d\"}")).body()).containsExactly(1);
    assertThat(GoMicroMessage.decode(utf8("{\"Header\":{\"a\":\"1\"},\"Header\":{\"b\":\"2\"}}")).headers())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void goShapedMessagesTakeTheFastReaderAndItAgreesWithTheGeneralOne() {
    Random random = new Random(42);
    for (int n = 0; n < 200; n++) {
      byte[] body = new byte[n];
      random.nextBytes(body);
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Micro-ID", "id-" + n);
      h.put("Esc", "q\"b\\s/\n\t\u0001<&> é ✓ 😀 \u2028");
      if (n % 7 == 0) {
        h.clear();
      }
      byte[] json = GoMicroMessage.encode(Event.of(h, body));
      Event fast = GoMicroFastReader.read(json);
      assertThat(fast).as("fast path for %s", new String(json, StandardCharsets.UTF_8)).isNotNull();
      assertThat(fast).isEqualTo(GoMicroMessage.decodeAnyJson(json)).isEqualTo(Event.of(h, body));
    }
  }

  @Test
  void otherShapesLeaveTheFastReaderForTheGeneralOne() {
    for (String json : new String[] {
        "{ \"Header\":{},\"Body\":\"\"}", "{\"Body\":\"YQ==\",\"Header\":{}}",
        "{\"Header\":{},\"Body\":null}", "{\"Header\":{},\"Body\":\"YQ\"}",
        "{\"Header\":{},\"Body\":\"YQ==\"}x", "{\"Header\":{\"a\":null},\"Body\":\"\"}",
        "{\"Header\":{},\"Body\":\"Y\\/==\"}", "{\"Header\":{\"a\":\"\\x\"},\"Body\":\"\"}",
        "{\"Header\":{\"a\":\"\\u+fff\"},\"Body\":\"\"}",
        "{\"Header\":{\"a\":\"b\"", "{\"Header\":{},\"Body\":\"YQ=="}) {
      assertThat(GoMicroFastReader.read(utf8(json))).as(json).isNull();
    }
    assertThat(GoMicroMessage.decode(utf8("{\"Header\":{},\"Body\":\"YQ\"}")).body()).isEqualTo(new byte[] {'a'});
    assertThat(GoMicroMessage.decode(utf8("{\"Body\":\"YQ==\",\"Header\":{}}")).body()).isEqualTo(new byte[] {'a'});
  }

  @Test
  void refusesWhatIsNotABrokerMessageWithABadRequestSayingWhy() {
    String[][] cases = {
        {"hello", "not JSON"},
        {"", "not a JSON object"},
        {"21.5", "not a JSON object"},
        {"[1]", "not a JSON object"},
        {"{\"Body\":\"@@@\"}", "Body is not base64"},
        {"{\"Body\":1}", "Body is VALUE_NUMBER_INT"},
        {"{\"Header\":[]}", "Header is START_ARRAY"},
        {"{\"Header\":{\"a\":1}}", "header a is VALUE_NUMBER_INT (expected: a string)"},
        {"{\"Header\":{}", "not JSON"},
        {"{\"Header\":{},\"Body\":\"YQ==\"}x", "not JSON"},
        {"{\"Header\":{},\"Body\":\"YQ==\"} {}", "data after the JSON object"},
        {"{\"Header\":{\"a\":\"\\u+fff\"}}", "not JSON"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> GoMicroMessage.decode(utf8(c[0]))).as(c[0])
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.id()).isEqualTo(GoMicroMessage.ERROR_ID);
            assertThat(e.detail()).startsWith("broker message: ").contains(c[1]);
          });
    }
  }
}
