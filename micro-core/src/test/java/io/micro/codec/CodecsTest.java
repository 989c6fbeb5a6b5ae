package io.micro.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.codec.bytes.BytesCodec;
import io.micro.codec.json.JsonCodec;
import io.micro.codec.jsonrpc.JsonRpcEnvelope;
import io.micro.codec.proto.ProtoCodec;
import io.micro.codec.protorpc.ProtoRpcEnvelope;
import org.junit.jupiter.api.Test;

class CodecsTest {
  private final Codecs codecs = Codecs.standard();

  @Test
  void standardCodecsAreFoundByContentTypeIgnoringParametersAndCase() {
    assertThat(codecs.forContentType("application/json; charset=utf-8")).containsInstanceOf(JsonCodec.class);
    assertThat(codecs.forContentType(" Application/JSON ")).containsInstanceOf(JsonCodec.class);
    assertThat(codecs.forContentType("application/protobuf")).containsInstanceOf(ProtoCodec.class);
    assertThat(codecs.forContentType("application/octet-stream")).containsInstanceOf(BytesCodec.class);
    assertThat(codecs.forContentType("text/plain")).isEmpty();
    assertThat(codecs.contentTypes())
        .containsExactly("application/json", "application/protobuf", "application/octet-stream");
  }

  @Test
  void legacyEnvelopesFollowGoMicrosLegacyTable() {
    assertThat(codecs.envelopeFor("application/json-rpc")).containsInstanceOf(JsonRpcEnvelope.class);
    assertThat(codecs.envelopeFor("application/json")).containsInstanceOf(JsonRpcEnvelope.class);
    assertThat(codecs.envelopeFor("application/proto-rpc")).containsInstanceOf(ProtoRpcEnvelope.class);
    assertThat(codecs.envelopeFor("application/protobuf")).containsInstanceOf(ProtoRpcEnvelope.class);
    assertThat(codecs.envelopeFor("application/octet-stream; x=y")).containsInstanceOf(ProtoRpcEnvelope.class);
    assertThat(codecs.envelopeFor("text/plain")).isEmpty();
    assertThat(codecs.envelopeFor("application/json").orElseThrow().bodyCodec())
        .isSameAs(codecs.forContentType("application/json").orElseThrow());
  }

  @Test
  void toBuilderAddsAliasesWithoutChangingTheOriginal() {
    Codecs more = codecs.toBuilder().codec("application/x-protobuf", ProtoCodec.create()).build();
    assertThat(more.forContentType("application/x-protobuf")).isPresent();
    assertThat(codecs.forContentType("application/x-protobuf")).isEmpty();
  }

  @Test
  void mediaTypeDropsParameters() {
    assertThat(Codecs.mediaType("Application/Json;charset=UTF-8")).isEqualTo("application/json");
    assertThat(Codecs.mediaType("application/grpc+proto")).isEqualTo("application/grpc+proto");
  }
}
