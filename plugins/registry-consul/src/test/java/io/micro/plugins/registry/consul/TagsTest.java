package io.micro.plugins.registry.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Endpoint;
import io.micro.registry.Value;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** go-micro's tag encoding and Go duration text, checked against values Go itself produced. */
class TagsTest {
  /** From go-micro's own encoding test: Go's zlib of "1.0.0" and of "latest". */
  static final String GO_VERSION_1_0_0 = "v-789c32d433d03300040000ffff02ce00ee";
  static final String GO_VERSION_LATEST = "v-789cca492c492d2e01040000ffff08cc028e";
  /** From go-micro's own encoding test: the endpoint "Endpoint" with metadata foo=bar. */
  static final String GO_ENDPOINT =
      "e-789caa56ca4bcc4d55b25272cd4b29c8cfcc2b51d2512a4a2d2c4d2d2e51b2824bc24474944a2a0b4002417081"
          + "b2c41c204bc92aaf3427a716a4b7b8203faf38154533540849375c044d7b6e6a49624a624922487b5a7e3e50"
          + "6d526291526d2d200000ffffb9fb3937";

  @Test
  void versionsWrittenByGoDecode() {
    assertThat(Tags.decode(List.of(GO_VERSION_1_0_0)).version()).isEqualTo("1.0.0");
    assertThat(Tags.decode(List.of(GO_VERSION_LATEST)).version()).isEqualTo("latest");
    assertThat(Tags.decode(List.of("v=1.0.0")).version()).isEqualTo("1.0.0");
  }

  @Test
  void endpointWrittenByGoDecodesInBothForms() {
    for (String tag : List.of(GO_ENDPOINT,
        "e={\"name\":\"Endpoint\",\"request\":{\"name\":\"request\",\"type\":\"Request\",\"values\":null},"
            + "\"response\":{\"name\":\"response\",\"type\":\"Response\",\"values\":null},\"metadata\":{\"foo\":\"bar\"}}")) {
      Tags.Decoded d = Tags.decode(List.of(tag));
      assertThat(d.problems()).isEmpty();
      assertThat(d.endpoints()).containsExactly(new Endpoint("Endpoint",
          Value.of("request", "Request"), Value.of("response", "Response"), Map.of("foo", "bar")));
    }
  }

  @Test
  void encodedTagsInflateToGoMicroJson() {
    Endpoint hello = new Endpoint("Say.Hello", new Value("Request", "Request", List.of(Value.of("name", "string"))),
        Value.of("Response", "Response"), Map.of("stream", "false"));
    List<String> tags = Tags.encode("1.0.0", List.of(hello), Map.of("registry", "consul", "protocol", "mucp"));

    assertThat(tags).hasSize(4);
    assertThat(inflate(tags.get(0))).isEqualTo("{\"protocol\":\"mucp\"}");
    assertThat(inflate(tags.get(1))).isEqualTo("{\"registry\":\"consul\"}");
    assertThat(inflate(tags.get(2))).isEqualTo(
        "{\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\",\"type\":\"string\",\"values\":null}]},"
            + "\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":null},\"metadata\":{\"stream\":\"false\"},\"name\":\"Say.Hello\"}");
    assertThat(inflate(tags.get(3))).isEqualTo("1.0.0");
    assertThat(tags).allMatch(t -> t.matches("[tev]-789c[0-9a-f]+"));

    Tags.Decoded back = Tags.decode(tags);
    assertThat(back.version()).isEqualTo("1.0.0");
    assertThat(back.endpoints()).containsExactly(hello);
    assertThat(back.metadata()).isEqualTo(Map.of("registry", "consul", "protocol", "mucp"));
  }

  @Test
  void unreadableTagsAreReportedAndForeignTagsIgnored() {
    Tags.Decoded d = Tags.decode(List.of("primary", "traefik.enable=true", "v-zz", "e-789c00", "t={not json",
        GO_VERSION_LATEST));
    assertThat(d.version()).isEqualTo("latest");
    assertThat(d.endpoints()).isEmpty();
    assertThat(d.metadata()).isEmpty();
    assertThat(d.problems()).hasSize(3).anyMatch(p -> p.contains("not hex"));
  }

  @Test
  void onlyTheFirstFormMetIsUsedAsGoMicroDoes() {
    Tags.Decoded d = Tags.decode(List.of("t={\"a\":\"1\"}", Tags.encode("", List.of(), Map.of("b", "2")).get(0)));
    assertThat(d.metadata()).isEqualTo(Map.of("a", "1"));
  }

  @Test
  void durationsAreWrittenAsGoWritesThem() {
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(GoDuration.format(Duration.ofSeconds(65))).isEqualTo("1m5s");
    assertThat(GoDuration.format(Duration.ofMinutes(1))).isEqualTo("1m0s");
    assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(GoDuration.format(Duration.ofNanos(1500))).isEqualTo("1.5\u00b5s");
    assertThat(GoDuration.format(Duration.ofNanos(7))).isEqualTo("7ns");
    assertThat(GoDuration.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
    assertThat(Registration.deregisterAfter(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(65));
    assertThat(Registration.deregisterAfter(Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(125));
  }

  @Test
  void addressesSplitAndJoinAsGoMicroDoes() {
    assertThat(HostPort.split("10.0.0.1:9090")).isEqualTo(new HostPort("10.0.0.1", 9090));
    assertThat(HostPort.split("[::1]:9090")).isEqualTo(new HostPort("::1", 9090));
    assertThat(HostPort.split("myhost")).isEqualTo(new HostPort("myhost", 0));
    assertThat(HostPort.join("::1", 9090)).isEqualTo("[::1]:9090");
    assertThat(HostPort.join("10.0.0.1", 9090)).isEqualTo("10.0.0.1:9090");
  }

  static String inflate(String tag) {
    return new String(Tags.inflateHex(tag.substring(2)), StandardCharsets.UTF_8);
  }
}
