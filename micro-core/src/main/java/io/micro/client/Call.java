package io.micro.client;

import io.micro.registry.Node;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;

/**
 * One attempt of a call as {@link CallWrapper}s see it: the request, the node chosen for this
 * attempt and the time the attempt may take. Immutable; a wrapper passes a modified copy to
 * {@link Invoker#invoke(Call)} to change what is sent.
 *
 * @param request what is sent
 * @param node the node this attempt goes to
 * @param responseType the type the reply body is decoded into
 * @param options the options of the call
 * @param attempt 0 for the first attempt, 1 for the first retry, ...
 * @param timeout how long this attempt may wait for its reply (also sent as {@code Timeout})
 */
public record Call(
    Request request, Node node, Type responseType, CallOptions options, int attempt, Duration timeout) {

  /** Checks that nothing is null and {@code attempt >= 0}. */
  public Call {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(responseType, "responseType");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(timeout, "timeout");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 0)");
    }
  }

  /** A copy sending {@code newRequest}. */
  public Call withRequest(Request newRequest) {
    return new Call(newRequest, node, responseType, options, attempt, timeout);
  }

  /** A copy going to {@code newNode}. */
  public Call withNode(Node newNode) {
    return new Call(request, newNode, responseType, options, attempt, timeout);
  }
}
