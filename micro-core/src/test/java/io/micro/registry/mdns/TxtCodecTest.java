package io.micro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.Endpoint;
import io.micro.registry.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TxtCodecTest {

  /** The TXT strings of the real go-micro v4.11.0 greeter's announcement (wire samples §1d). */
  static List<String> goTxtStrings() throws IOException {
    Packet packet = GoCapture.announcement();
    return packet.records().stream().filter(r -> r.type() == Rr.TXT).findFirst().orElseThrow().strings();
  }

  static String goJson() throws IOException {
    try (InputStream in = TxtCodecTest.class.getResourceAsStream("go-greeter-txt.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void decodesTheTxtOfARealGoMicroNode() throws IOException {
    List<String> strings = goTxtStrings();
    assertThat(strings).extracting(String::length).containsExactly(255, 255, 78);

    TxtCodec.Txt txt = TxtCodec.decode(strings);

    assertThat(txt.service()).isEqualTo("go.micro.srv.greeter");
    assertThat(txt.version()).isEqualTo("latest");
    assertThat(txt.metadata())
        .containsEntry("protocol", "mucp")
        .containsEntry("transport", "http")
        .hasSize(5);
    assertThat(txt.endpointList())
        .extracting(Endpoint::name)
        .containsExactly("Say.Fail", "Say.Hello", "Say.PlainFail", "Func");
    Endpoint func = txt.endpointList().get(3);
    assertThat(func.response()).isNull();
    assertThat(func.metadata()).containsEntry("topic", "go.micro.topic.greeting");
    assertThat(txt.endpointList().get(1).request())
        .isEqualTo(new Value("Request", "Request", List.of(Value.of("name", "string"))));
  }

  @Test
  void writesTheSameJsonAsGoForTheSameData() throws IOException {
    TxtCodec.Txt txt = TxtCodec.decode(goTxtStrings());
    assertThat(TxtCodec.json(txt)).isEqualTo(goJson());
  }

  @Test
  void encodesToZlibHexInStringsOfAtMost255AndDecodesBack() throws IOException {
    TxtCodec.Txt txt = TxtCodec.decode(goTxtStrings());

    List<String> strings = TxtCodec.encode(txt);

    assertThat(strings.get(0)).startsWith("789c");
    assertThat(strings).allSatisfy(s -> assertThat(s).hasSizeLessThanOrEqualTo(255).matches("[0-9a-f]+"));
    assertThat(strings.subList(0, strings.size() - 1)).allSatisfy(s -> assertThat(s).hasSize(255));
    assertThat(TxtCodec.decode(strings)).isEqualTo(txt);
  }

  @Test
  void noEndpointsIsWrittenAsNullLikeGoMicrosBroker() {
    TxtCodec.Txt txt =
        new TxtCodec.Txt(Map.of("topic", "t", "broker", "http"), "micro.http.broker", "ff.http.broadcast", List.of());
    assertThat(TxtCodec.json(txt))
        .isEqualTo(
            "{\"Metadata\":{\"broker\":\"http\",\"topic\":\"t\"},\"Service\":\"micro.http.broker\","
                + "\"Version\":\"ff.http.broadcast\",\"Endpoints\":null}");
    assertThat(TxtCodec.decode(TxtCodec.encode(txt))).isEqualTo(txt);
  }

  @Test
  void garbageIsRejectedSayingWhatWasExpected() {
    assertThatThrownBy(() -> TxtCodec.decode(List.of("zz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: hex");
    assertThatThrownBy(() -> TxtCodec.decode(List.of("0102")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: zlib");
  }
}
