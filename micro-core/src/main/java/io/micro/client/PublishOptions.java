package io.micro.client;

import io.micro.metadata.Metadata;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to publish one message. Immutable; start from {@link #DEFAULT} and copy with {@code withX}.
 *
 * @param contentType the codec to encode with; null for the client's content type
 *     ({@code application/json} by default)
 * @param metadata headers added to the event, over {@link Metadata#current()}
 */
public record PublishOptions(@Nullable String contentType, Metadata metadata) {

  /** The client's content type, no extra metadata. */
  public static final PublishOptions DEFAULT = new PublishOptions(null, Metadata.empty());

  /** Checks the metadata is not null. */
  public PublishOptions {
    Objects.requireNonNull(metadata, "metadata");
  }

  /** A copy encoding with {@code contentType}. */
  public PublishOptions withContentType(String contentType) {
    return new PublishOptions(Objects.requireNonNull(contentType, "contentType"), metadata);
  }

  /** A copy adding {@code metadata} to the event's headers. */
  public PublishOptions withMetadata(Metadata metadata) {
    return new PublishOptions(contentType, metadata);
  }
}
