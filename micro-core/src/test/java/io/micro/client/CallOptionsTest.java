package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.metadata.Metadata;
import io.micro.selector.Filter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallOptionsTest {

  @Test
  void defaultLeavesEverythingToTheClient() {
    CallOptions d = CallOptions.DEFAULT;
    assertThat(d.timeout()).isEmpty();
    assertThat(d.connectionTimeout()).isEmpty();
    assertThat(d.retries()).isEmpty();
    assertThat(d.addresses()).isEmpty();
    assertThat(d.metadata().isEmpty()).isTrue();
    assertThat(d.contentType()).isEmpty();
    assertThat(d.retryPolicy()).isEmpty();
    assertThat(d.backoff()).isEmpty();
    assertThat(d.selectOptions().filters()).isEmpty();
  }

  @Test
  void withMethodsReturnCopiesAndLeaveTheOriginalAlone() {
    CallOptions o = CallOptions.DEFAULT
        .withTimeout(Duration.ofSeconds(2))
        .withConnectionTimeout(Duration.ofMillis(300))
        .withRetries(0)
        .withAddress("127.0.0.1:8080")
        .withHeader("x-user", "ann")
        .withMetadata(Metadata.of("X-Trace", "t1"))
        .withContentType("application/protobuf")
        .withFilter(Filter.version("1.0"));
    assertThat(o.timeout()).contains(Duration.ofSeconds(2));
    assertThat(o.connectionTimeout()).contains(Duration.ofMillis(300));
    assertThat(o.retries()).hasValue(0);
    assertThat(o.addresses()).containsExactly("127.0.0.1:8080");
    assertThat(o.metadata().asMap()).containsEntry("X-User", "ann").containsEntry("X-Trace", "t1");
    assertThat(o.contentType()).isEqualTo("application/protobuf");
    assertThat(o.selectOptions().filters()).hasSize(1);
    assertThat(CallOptions.DEFAULT.timeout()).isEmpty();
    assertThat(CallOptions.DEFAULT.selectOptions().filters()).isEmpty();
  }

  @Test
  void invalidValuesAreRejectedNamingThem() {
    assertThatThrownBy(() -> CallOptions.DEFAULT.withRetries(-1))
        .hasMessage("retries: -1 (expected: >= 0)");
    assertThatThrownBy(() -> CallOptions.DEFAULT.withTimeout(Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> CallOptions.DEFAULT.withAddress("localhost"))
        .hasMessage("address: 'localhost' (expected: host:port)");
  }

  @Test
  void requestFactoriesSetTheContentType() {
    assertThat(Request.json("s", "A.B", "x").contentType()).isEqualTo("application/json");
    assertThat(Request.proto("s", "A.B", "x").contentType()).isEqualTo("application/protobuf");
    assertThat(Request.of("s", "A.B", "x").contentTypeOr("application/json")).isEqualTo("application/json");
    assertThat(Request.of("s", "A.B", "x").withHeader("k", "v").metadata().get("K")).contains("v");
    assertThatThrownBy(() -> Request.of("s", " ", "x"))
        .hasMessage("endpoint: ' ' (expected: Handler.Method, e.g. Say.Hello)");
  }
}
