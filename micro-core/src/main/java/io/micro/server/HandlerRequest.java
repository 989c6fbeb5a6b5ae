package io.micro.server;

import io.micro.metadata.Metadata;
import java.util.Objects;

/**
 * One decoded call as handlers and {@link HandlerWrapper}s see it.
 *
 * @param service the target service name the caller sent ({@code Micro-Service}); empty for legacy
 *     envelopes, which do not carry it
 * @param endpoint {@code Handler.Method}, e.g. {@code Say.Hello}
 * @param metadata every request header plus {@code Local} and {@code Remote}
 * @param body the decoded request, an instance of the handler method's request type
 * @param contentType the content type of the request body, e.g. {@code application/json}
 */
public record HandlerRequest(
    String service, String endpoint, Metadata metadata, Object body, String contentType) {

  /** Checks that no component is null. */
  public HandlerRequest {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
  }

  /** A copy with another body (a wrapper that rewrites the request passes it on to {@code next}). */
  public HandlerRequest withBody(Object newBody) {
    return new HandlerRequest(service, endpoint, metadata, newBody, contentType);
  }

  /** A copy with other metadata; it is what the handler and its nested calls see. */
  public HandlerRequest withMetadata(Metadata newMetadata) {
    return new HandlerRequest(service, endpoint, newMetadata, body, contentType);
  }
}
