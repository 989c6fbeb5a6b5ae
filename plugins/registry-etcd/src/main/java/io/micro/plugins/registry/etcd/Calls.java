package io.micro.plugins.registry.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.micro.errors.MicroException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd's asynchronous calls with a bound and turns their failures into {@link
 * MicroException}s that name the operation, the key and the etcd addresses.
 */
final class Calls {
  /** The error id of every failure of this registry. */
  static final String ERROR_ID = "go.micro.registry.etcd";

  private final String addresses;
  private final Duration timeout;

  /**
   * @param addresses the etcd addresses as the user gave them, for error messages
   * @param timeout how long one call may take
   */
  Calls(String addresses, Duration timeout) {
    this.addresses = addresses;
    this.timeout = timeout;
  }

  String addresses() {
    return addresses;
  }

  /**
   * The result of {@code call}, waiting at most the request timeout.
   *
   * @param what the operation and its key, e.g. {@code put /micro/registry/greeter/1}
   * @throws MicroException 408 when the call times out, 500 when etcd refuses it
   */
  <T> T await(CompletableFuture<T> call, String what) {
    return await(call, what, timeout);
  }

  <T> T await(CompletableFuture<T> call, String what, Duration within) {
    try {
      return call.get(within.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw MicroException.timeout(ERROR_ID, "etcd registry: %s: no answer from etcd at %s within %d ms",
          what, addresses, within.toMillis()).withCause(e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw MicroException.internalServerError(ERROR_ID, "etcd registry: %s: interrupted", what)
          .withCause(e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw MicroException.internalServerError(ERROR_ID, "etcd registry: %s at %s failed: %s",
          what, addresses, describe(cause)).withCause(cause);
    }
  }

  /**
   * The messages of {@code error} and its causes, outermost first, leaving out those that a deeper
   * one repeats, e.g. {@code UNAUTHENTICATED: INVALID_ARGUMENT: etcdserver: authentication failed}.
   */
  static String describe(Throwable error) {
    List<String> messages = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank()) {
        messages.add(m.strip());
      }
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String m = messages.get(i);
      boolean repeated = false;
      for (int j = i + 1; j < messages.size(); j++) {
        repeated |= messages.get(j).contains(m);
      }
      if (!repeated && (kept.isEmpty() || !kept.get(kept.size() - 1).contains(m))) {
        kept.add(m);
      }
    }
    return kept.isEmpty() ? error.getClass().getSimpleName() : String.join(": ", kept);
  }

  /** Whether {@code error} (or its cause) is etcd's "requested lease not found". */
  static boolean leaseNotFound(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
