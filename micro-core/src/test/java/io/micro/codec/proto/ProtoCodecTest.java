package io.micro.codec.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Field;
import io.micro.errors.MicroException;
import org.junit.jupiter.api.Test;

class ProtoCodecTest {
  private final ProtoCodec codec = ProtoCodec.create();

  @Test
  void messagesRoundTripThroughProtobufBytes() {
    Field f = Field.newBuilder().setName("id").setNumber(3).build();
    byte[] data = codec.marshal(f);
    assertThat(data).isEqualTo(f.toByteArray());
    assertThat(codec.unmarshal(data, Field.class)).isEqualTo(f);
  }

  @Test
  void bytesPassThrough() {
    byte[] raw = {1, 2, 3};
    assertThat(codec.marshal(raw)).isSameAs(raw);
    assertThat(codec.unmarshal(raw, byte[].class)).isSameAs(raw);
  }

  @Test
  void nonProtobufTypesFailNamingTheType() {
    assertThatThrownBy(() -> codec.marshal("text"))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).contains("java.lang.String").contains("not a protobuf message");
        });
    assertThatThrownBy(() -> codec.unmarshal(new byte[0], StringBuilder.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).contains("java.lang.StringBuilder");
        });
  }

  @Test
  void bytesThatAreNotTheMessageAreABadRequest() {
    byte[] truncated = {0x0a, 0x05, 'a'};
    assertThatThrownBy(() -> codec.unmarshal(truncated, Field.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).startsWith("malformed protobuf body for Field:");
        });
  }
}
