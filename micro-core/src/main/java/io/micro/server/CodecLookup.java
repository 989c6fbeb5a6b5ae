package io.micro.server;

import io.micro.codec.Codec;
import io.micro.codec.Envelope;
import java.util.Optional;

/** The codecs and legacy envelopes a server speaks, by content type (parameters ignored). */
interface CodecLookup {

  /** The bare-body codec of a content type such as {@code application/json}. */
  Optional<Codec> codec(String contentType);

  /** The envelope of {@code application/json-rpc} or {@code application/proto-rpc}. */
  Optional<Envelope> envelope(String contentType);
}
