package io.micro.client;

import io.micro.errors.MicroException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides whether a failed attempt is tried again (on the next node, after the {@link Backoff}).
 * The client asks only while attempts and time remain. Implementations are safe for concurrent use.
 *
 * <p>The {@link #standard()} policy retries connection errors (the node could not be reached or the
 * connection broke: nothing says the server saw the call) and 408 timeouts, never application
 * errors such as 500 — as go-micro v4.10+, plus connection errors so that a dead node is skipped.
 */
@FunctionalInterface
public interface RetryPolicy {

  /** The id of errors the client itself raises. */
  String CLIENT_ID = "go.micro.client";

  /** The prefix of the detail of the connection errors the client raises. */
  String CONNECTION_ERROR = "connection error: ";

  /** True when the call should be tried again after {@code error}. */
  boolean shouldRetry(Throwable error);

  /** Connection errors and 408. */
  static RetryPolicy standard() {
    return onCodes(408);
  }

  /** Connection errors and any {@link MicroException} whose code is one of {@code codes}. */
  static RetryPolicy onCodes(int... codes) {
    int[] copy = codes.clone();
    Arrays.sort(copy);
    return error -> isConnectionError(error)
        || (error instanceof MicroException me && Arrays.binarySearch(copy, me.code()) >= 0);
  }

  /** Never retry: one attempt per call. */
  static RetryPolicy never() {
    return error -> false;
  }

  /** A policy from any predicate of the error. */
  static RetryPolicy of(Predicate<Throwable> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return predicate::test;
  }

  /**
   * True for the errors the client raises when a node cannot be dialled, a request cannot be
   * written, or the connection closes before the reply: a 500 from {@value #CLIENT_ID} whose detail
   * starts with {@value #CONNECTION_ERROR}.
   */
  static boolean isConnectionError(Throwable error) {
    return error instanceof MicroException me
        && me.code() == 500
        && CLIENT_ID.equals(me.id())
        && me.detail().startsWith(CONNECTION_ERROR);
  }
}
