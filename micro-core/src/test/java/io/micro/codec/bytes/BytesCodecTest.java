package io.micro.codec.bytes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BytesCodecTest {
  private final BytesCodec codec = BytesCodec.create();

  @Test
  void bytesPassThroughUnchanged() {
    byte[] raw = {0, 1, (byte) 0xff};
    assertThat(codec.marshal(raw)).isSameAs(raw);
    assertThat(codec.unmarshal(raw, byte[].class)).isSameAs(raw);
    assertThat(codec.contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void stringsAreUtf8() {
    assertThat(codec.marshal("héllo")).isEqualTo("héllo".getBytes(UTF_8));
    assertThat(codec.unmarshal("héllo".getBytes(UTF_8), String.class)).isEqualTo("héllo");
  }

  @Test
  void otherTypesFailNamingTheType() {
    assertThatThrownBy(() -> codec.marshal(List.of()))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).contains("List").contains("expected: byte[] or String");
        });
  }
}
