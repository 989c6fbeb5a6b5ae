package io.micro.client;

import io.micro.metadata.Metadata;
import io.micro.selector.Filter;
import io.micro.selector.SelectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Per-call settings; what is left unset falls back to the client's defaults. Immutable: every
 * {@code withX} returns a copy.
 *
 * <pre>{@code
 * client.call(request, Reply.class,
 *     CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500)).withRetries(2));
 * }</pre>
 */
public final class CallOptions {

  /** Nothing set: every value comes from the client. */
  public static final CallOptions DEFAULT =
      new CallOptions(null, null, -1, List.of(), SelectOptions.DEFAULT, Metadata.empty(), "", null, null);

  private final @Nullable Duration timeout;
  private final @Nullable Duration connectionTimeout;
  private final int retries;
  private final List<String> addresses;
  private final SelectOptions selectOptions;
  private final Metadata metadata;
  private final String contentType;
  private final @Nullable RetryPolicy retryPolicy;
  private final @Nullable Backoff backoff;

  private CallOptions(
      @Nullable Duration timeout,
      @Nullable Duration connectionTimeout,
      int retries,
      List<String> addresses,
      SelectOptions selectOptions,
      Metadata metadata,
      String contentType,
      @Nullable RetryPolicy retryPolicy,
      @Nullable Backoff backoff) {
    this.timeout = timeout;
    this.connectionTimeout = connectionTimeout;
    this.retries = retries;
    this.addresses = addresses;
    this.selectOptions = selectOptions;
    this.metadata = metadata;
    this.contentType = contentType;
    this.retryPolicy = retryPolicy;
    this.backoff = backoff;
  }

  /** A copy whose whole call, all attempts and backoffs included, must finish within {@code t}. */
  public CallOptions withTimeout(Duration t) {
    return new CallOptions(positive("timeout", t), connectionTimeout, retries, addresses,
        selectOptions, metadata, contentType, retryPolicy, backoff);
  }

  /** A copy whose single attempts each wait at most {@code t} (sent as the {@code Timeout} header). */
  public CallOptions withConnectionTimeout(Duration t) {
    return new CallOptions(timeout, positive("connectionTimeout", t), retries, addresses,
        selectOptions, metadata, contentType, retryPolicy, backoff);
  }

  /** A copy making at most {@code n} retries (so {@code n + 1} attempts); 0 disables retries. */
  public CallOptions withRetries(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("retries: " + n + " (expected: >= 0)");
    }
    return new CallOptions(timeout, connectionTimeout, n, addresses, selectOptions, metadata,
        contentType, retryPolicy, backoff);
  }

  /**
   * A copy that calls these {@code host:port} addresses (in turn) instead of asking the selector,
   * as go-micro's {@code WithAddress}; they are spoken to with mucp, or with gRPC when written
   * {@code grpc://host:port} (a plain gRPC server such as grpc-java's).
   */
  public CallOptions withAddress(String... hostPorts) {
    List<String> list = List.of(hostPorts);
    for (String a : list) {
      if (a.isBlank() || a.lastIndexOf(':') < 0) {
        throw new IllegalArgumentException("address: '" + a + "' (expected: host:port)");
      }
    }
    return new CallOptions(timeout, connectionTimeout, retries, list, selectOptions, metadata,
        contentType, retryPolicy, backoff);
  }

  /** A copy selecting nodes with {@code options} (filters and strategy). */
  public CallOptions withSelectOptions(SelectOptions options) {
    Objects.requireNonNull(options, "options");
    return new CallOptions(timeout, connectionTimeout, retries, addresses, options, metadata,
        contentType, retryPolicy, backoff);
  }

  /** A copy whose selection also applies {@code filters}, after those set before. */
  public CallOptions withFilter(Filter... filters) {
    return withSelectOptions(selectOptions.toBuilder().filter(filters).build());
  }

  /** A copy sending {@code more} as headers, merged over metadata set before. */
  public CallOptions withMetadata(Metadata more) {
    return new CallOptions(timeout, connectionTimeout, retries, addresses, selectOptions,
        metadata.merge(more), contentType, retryPolicy, backoff);
  }

  /** A copy sending one more header. */
  public CallOptions withHeader(String key, String value) {
    return withMetadata(Metadata.of(key, value));
  }

  /** A copy encoding requests without a content type of their own as {@code type}. */
  public CallOptions withContentType(String type) {
    Objects.requireNonNull(type, "type");
    return new CallOptions(timeout, connectionTimeout, retries, addresses, selectOptions, metadata,
        type, retryPolicy, backoff);
  }

  /** A copy deciding retries with {@code policy}. */
  public CallOptions withRetryPolicy(RetryPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new CallOptions(timeout, connectionTimeout, retries, addresses, selectOptions, metadata,
        contentType, policy, backoff);
  }

  /** A copy waiting {@code b} before attempts. */
  public CallOptions withBackoff(Backoff b) {
    Objects.requireNonNull(b, "backoff");
    return new CallOptions(timeout, connectionTimeout, retries, addresses, selectOptions, metadata,
        contentType, retryPolicy, b);
  }

  /** The whole-call timeout, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The per-attempt timeout, if set. */
  public Optional<Duration> connectionTimeout() {
    return Optional.ofNullable(connectionTimeout);
  }

  /** The number of retries, if set. */
  public OptionalInt retries() {
    return retries < 0 ? OptionalInt.empty() : OptionalInt.of(retries);
  }

  /** The addresses that bypass discovery; empty when the selector chooses. */
  public List<String> addresses() {
    return addresses;
  }

  /** The selection filters and strategy. */
  public SelectOptions selectOptions() {
    return selectOptions;
  }

  /** Headers added to every request of the call. */
  public Metadata metadata() {
    return metadata;
  }

  /** The content type for requests without their own; empty means the client's default. */
  public String contentType() {
    return contentType;
  }

  /** The retry policy, if set. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /** The backoff, if set. */
  public Optional<Backoff> backoff() {
    return Optional.ofNullable(backoff);
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  @Override
  public String toString() {
    return "CallOptions{timeout=" + timeout + ", connectionTimeout=" + connectionTimeout
        + ", retries=" + (retries < 0 ? "default" : retries) + ", addresses=" + addresses
        + ", metadata=" + metadata + ", contentType='" + contentType + "'}";
  }
}
