package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.errors.MicroException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final MicroException connection =
      ClientErrors.connection("127.0.0.1:1", new IOException("Connection refused"));

  @Test
  void connectionErrorsAreRecognisedByIdCodeAndDetail() {
    assertThat(RetryPolicy.isConnectionError(connection)).isTrue();
    assertThat(connection.detail()).isEqualTo("connection error: 127.0.0.1:1: Connection refused");
    assertThat(connection.id()).isEqualTo("go.micro.client");
    assertThat(connection.getCause()).isInstanceOf(IOException.class);
    assertThat(RetryPolicy.isConnectionError(MicroException.internalServerError("svc", "connection error: x")))
        .isFalse();
    assertThat(RetryPolicy.isConnectionError(new IOException("x"))).isFalse();
  }

  @Test
  void standardRetriesConnectionErrorsAndTimeoutsButNotApplicationErrors() {
    RetryPolicy p = RetryPolicy.standard();
    assertThat(p.shouldRetry(connection)).isTrue();
    assertThat(p.shouldRetry(MicroException.timeout("svc", "slow"))).isTrue();
    assertThat(p.shouldRetry(MicroException.internalServerError("svc", "boom"))).isFalse();
    assertThat(p.shouldRetry(MicroException.notFound("svc", "no user"))).isFalse();
    assertThat(p.shouldRetry(MicroException.parse("rpc: can't find method Nope"))).isFalse();
  }

  @Test
  void onCodesAddsTheGivenCodes() {
    RetryPolicy p = RetryPolicy.onCodes(503, 408, 500);
    assertThat(p.shouldRetry(MicroException.internalServerError("svc", "boom"))).isTrue();
    assertThat(p.shouldRetry(MicroException.of("svc", 503, "busy"))).isTrue();
    assertThat(p.shouldRetry(MicroException.notFound("svc", "x"))).isFalse();
    assertThat(p.shouldRetry(connection)).isTrue();
  }

  @Test
  void neverAndCustomPredicates() {
    assertThat(RetryPolicy.never().shouldRetry(connection)).isFalse();
    assertThat(RetryPolicy.of(e -> e instanceof IllegalStateException).shouldRetry(new IllegalStateException()))
        .isTrue();
  }
}
