package io.micro.codec;

import io.micro.codec.bytes.BytesCodec;
import io.micro.codec.json.JsonCodec;
import io.micro.codec.jsonrpc.JsonRpcEnvelope;
import io.micro.codec.proto.ProtoCodec;
import io.micro.codec.protorpc.ProtoRpcEnvelope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The codecs and legacy envelopes a client or server understands, looked up by content type.
 *
 * <pre>{@code
 * Codecs codecs = Codecs.standard();
 * Codec json = codecs.forContentType("application/json; charset=utf-8").orElseThrow();
 * }</pre>
 *
 * <p>Lookups ignore parameters ({@code ; charset=utf-8}), surrounding blanks and case. Instances
 * are immutable and safe for concurrent use.
 */
public final class Codecs {
  private static final Codecs STANDARD = createStandard();

  private final Map<String, Codec> codecs;
  private final Map<String, Envelope> envelopes;

  private Codecs(Map<String, Codec> codecs, Map<String, Envelope> envelopes) {
    this.codecs = Collections.unmodifiableMap(new LinkedHashMap<>(codecs));
    this.envelopes = Collections.unmodifiableMap(new LinkedHashMap<>(envelopes));
  }

  /**
   * go-micro's defaults: codecs {@code application/json}, {@code application/protobuf},
   * {@code application/octet-stream}; envelopes JSON-RPC for {@code application/json-rpc} and legacy
   * {@code application/json}, proto-RPC for {@code application/proto-rpc} and legacy
   * {@code application/protobuf} and {@code application/octet-stream}.
   */
  public static Codecs standard() {
    return STANDARD;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this table's entries, to add or replace some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.codecs.putAll(codecs);
    b.envelopes.putAll(envelopes);
    return b;
  }

  /** The codec for a {@code Content-Type} value, parameters ignored. */
  public Optional<Codec> forContentType(String contentType) {
    return Optional.ofNullable(codecs.get(mediaType(contentType)));
  }

  /** The legacy envelope for a {@code Content-Type} value, parameters ignored. */
  public Optional<Envelope> envelopeFor(String contentType) {
    return Optional.ofNullable(envelopes.get(mediaType(contentType)));
  }

  /** The content types that have a codec, in registration order. */
  public Set<String> contentTypes() {
    return codecs.keySet();
  }

  /**
   * The media type of a {@code Content-Type} value: parameters dropped, blanks trimmed, lower case
   * ({@code "Application/JSON; charset=utf-8"} gives {@code application/json}).
   */
  public static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    String base = semi < 0 ? contentType : contentType.substring(0, semi);
    base = base.strip();
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return base.toLowerCase(Locale.ROOT);
      }
    }
    return base;
  }

  private static Codecs createStandard() {
    JsonCodec json = JsonCodec.create();
    ProtoCodec proto = ProtoCodec.create();
    JsonRpcEnvelope jsonRpc = JsonRpcEnvelope.create(json);
    ProtoRpcEnvelope protoRpc = ProtoRpcEnvelope.create(proto);
    return builder()
        .codec(json)
        .codec(proto)
        .codec(BytesCodec.create())
        .envelope(JsonRpcEnvelope.CONTENT_TYPE, jsonRpc)
        .envelope(JsonCodec.CONTENT_TYPE, jsonRpc)
        .envelope(ProtoRpcEnvelope.CONTENT_TYPE, protoRpc)
        .envelope(ProtoCodec.CONTENT_TYPE, protoRpc)
        .envelope(BytesCodec.CONTENT_TYPE, protoRpc)
        .build();
  }

  /** Collects codecs and envelopes; a later entry for the same content type replaces an earlier one. */
  public static final class Builder {
    private final Map<String, Codec> codecs = new LinkedHashMap<>();
    private final Map<String, Envelope> envelopes = new LinkedHashMap<>();

    private Builder() {}

    /** Registers {@code codec} under its own {@link Codec#contentType()}. */
    public Builder codec(Codec codec) {
      return codec(codec.contentType(), codec);
    }

    /** Registers {@code codec} under {@code contentType} (an alias such as {@code application/x-protobuf}). */
    public Builder codec(String contentType, Codec codec) {
      codecs.put(mediaType(contentType), Objects.requireNonNull(codec, "codec"));
      return this;
    }

    /** Registers {@code envelope} for requests whose {@code Content-Type} is {@code contentType}. */
    public Builder envelope(String contentType, Envelope envelope) {
      envelopes.put(mediaType(contentType), Objects.requireNonNull(envelope, "envelope"));
      return this;
    }

    /** The immutable table. */
    public Codecs build() {
      return new Codecs(codecs, envelopes);
    }
  }
}
