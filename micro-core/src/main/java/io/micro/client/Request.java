package io.micro.client;

import io.micro.metadata.Metadata;
import java.util.Objects;

/**
 * One call to make: the service (its registry name), the endpoint ({@code Handler.Method}), the
 * request body (encoded by the codec of {@code contentType}) and extra metadata sent as headers.
 *
 * <pre>{@code
 * Request req = Request.of("go.micro.srv.greeter", "Say.Hello", Map.of("name", "John"))
 *     .withMetadata(Metadata.of("X-User-Id", "42"));
 * }</pre>
 *
 * @param service the registry name of the target service, e.g. {@code go.micro.srv.greeter}
 * @param endpoint {@code Handler.Method}, e.g. {@code Say.Hello}
 * @param body the request message; encoded by the codec of the content type
 * @param contentType the content type of the body; empty means the client's default
 * @param metadata headers sent with this request, over the caller's {@link Metadata#current()}
 */
public record Request(
    String service, String endpoint, Object body, String contentType, Metadata metadata) {

  /** Checks the fields: service and endpoint must not be blank. */
  public Request {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(metadata, "metadata");
    if (service.isBlank()) {
      throw new IllegalArgumentException("service: '" + service + "' (expected: a service name)");
    }
    if (endpoint.isBlank()) {
      throw new IllegalArgumentException(
          "endpoint: '" + endpoint + "' (expected: Handler.Method, e.g. Say.Hello)");
    }
  }

  /** A request with the client's default content type and no extra metadata. */
  public static Request of(String service, String endpoint, Object body) {
    return new Request(service, endpoint, body, "", Metadata.empty());
  }

  /** A request whose body is encoded as {@code application/json}. */
  public static Request json(String service, String endpoint, Object body) {
    return new Request(service, endpoint, body, "application/json", Metadata.empty());
  }

  /** A request whose body (a protobuf message) is encoded as {@code application/protobuf}. */
  public static Request proto(String service, String endpoint, Object body) {
    return new Request(service, endpoint, body, "application/protobuf", Metadata.empty());
  }

  /** A copy with another body. */
  public Request withBody(Object newBody) {
    return new Request(service, endpoint, newBody, contentType, metadata);
  }

  /** A copy with another content type; empty means the client's default. */
  public Request withContentType(String newContentType) {
    return new Request(service, endpoint, body, newContentType, metadata);
  }

  /** A copy with {@code more} merged over this request's metadata. */
  public Request withMetadata(Metadata more) {
    return new Request(service, endpoint, body, contentType, metadata.merge(more));
  }

  /** A copy with one more metadata entry. */
  public Request withHeader(String key, String value) {
    return new Request(service, endpoint, body, contentType, metadata.with(key, value));
  }

  /** The content type, or {@code fallback} when this request has none. */
  String contentTypeOr(String fallback) {
    return contentType.isEmpty() ? fallback : contentType;
  }
}
