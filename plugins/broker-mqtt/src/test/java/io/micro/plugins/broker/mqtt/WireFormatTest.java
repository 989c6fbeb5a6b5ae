package io.micro.plugins.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.broker.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void encodesAsGoEncodingJsonWritesABrokerMessage() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("Micro-ID", "230156bf");
    byte[] json = WireFormat.encode(h, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
        "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":\"230156bf\"},\"Body\":\"eyJpZCI6MX0K\"}");
  }

  @Test
  void decodesAGoPublishersMessage() {
    String go = "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-ID\":\"230156bf-ab23-4823-be4b-"
        + "975459d4d1f4\",\"Micro-Topic\":\"go.micro.topic.greeting\"},\"Body\":\"eyJpZCI6MSwibWVzc2FnZSI6Imhp"
        + "IGZyb20gZ28gY2xpZW50In0K\"}";
    Event e = WireFormat.decode(go.getBytes(StandardCharsets.UTF_8));
    assertThat(e.id()).isEqualTo("230156bf-ab23-4823-be4b-975459d4d1f4");
    assertThat(e.topic()).isEqualTo("go.micro.topic.greeting");
    assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"message\":\"hi from go client\"}\n");
  }

  @Test
  void binaryBodiesAndUnicodeHeadersRoundTrip() {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    Map<String, String> h = Map.of("Unicode", "Grüße ✓ <&>", "Quote", "a \"b\" \\ c");
    Event e = WireFormat.decode(WireFormat.encode(h, body));
    assertThat(e.headers()).isEqualTo(h);
    assertThat(e.body()).isEqualTo(body);
  }

  @Test
  void nullOrMissingFieldsAreEmptyAndFieldNamesIgnoreCase() {
    assertThat(WireFormat.decode("{\"Header\":null,\"Body\":null}".getBytes()).body()).isEmpty();
    assertThat(WireFormat.decode("{}".getBytes()).headers()).isEmpty();
    Event e = WireFormat.decode("{\"header\":{\"A\":\"1\"},\"body\":\"AQ==\",\"Extra\":[1,{}]}".getBytes());
    assertThat(e.header("A")).isEqualTo("1");
    assertThat(e.body()).containsExactly(1);
  }

  @Test
  void malformedPayloadsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> WireFormat.decode("21.5".getBytes())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> WireFormat.decode("{\"Header\":{\"A\":1}}".getBytes()))
        .hasMessageContaining("header A");
    assertThatThrownBy(() -> WireFormat.decode("{\"Body\":\"***\"}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireFormat.decode("{\"Body\":\"AQ==\"".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireFormat.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }
}
