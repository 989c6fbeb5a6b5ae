package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcMessageReaderTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static ByteBuf framed(int flag, byte[] message) {
    return Unpooled.buffer().writeByte(flag).writeInt(message.length).writeBytes(message);
  }

  private static List<byte[]> drain(GrpcMessageReader r) throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (byte[] m = r.next(); m != null; m = r.next()) {
      out.add(m);
    }
    return out;
  }

  @Test
  void messagesSplitAndJoinedAcrossFramesComeOutWhole() throws Exception {
    ByteBuf wire = Unpooled.buffer().writeBytes(framed(0, "hello".getBytes()))
        .writeBytes(framed(0, new byte[0])).writeBytes(framed(0, "world!".getBytes()));
    try (GrpcMessageReader r = new GrpcMessageReader(1024)) {
      List<byte[]> got = new ArrayList<>();
      while (wire.isReadable()) { // one byte per DATA frame: every split point
        r.append(ALLOC, wire.readSlice(1));
        got.addAll(drain(r));
      }
      assertThat(got).extracting(String::new).containsExactly("hello", "", "world!");
      assertThat(r.partial()).isZero();
    }
  }

  @Test
  void aPartialMessageIsHeldAndCounted() throws Exception {
    try (GrpcMessageReader r = new GrpcMessageReader(1024)) {
      r.append(ALLOC, framed(0, "abcdef".getBytes()).writerIndex(8));
      assertThat(r.next()).isNull();
      assertThat(r.partial()).isEqualTo(8);
    }
  }

  @Test
  void aCompressedOrOversizePrefixIsRefusedBeforeItsMessageArrives() {
    try (GrpcMessageReader r = new GrpcMessageReader(16)) {
      r.append(ALLOC, Unpooled.buffer().writeByte(0).writeInt(17));
      assertThatThrownBy(r::next).isInstanceOfSatisfying(GrpcMessageReader.BadPrefix.class, e -> {
        assertThat(e.tooLarge()).isTrue();
        assertThat(e.length()).isEqualTo(17);
        assertThat(e).hasMessage("17 bytes (expected: <= 16)");
      });
    }
    try (GrpcMessageReader r = new GrpcMessageReader(16)) {
      r.append(ALLOC, framed(1, "x".getBytes()));
      assertThatThrownBy(r::next).isInstanceOfSatisfying(GrpcMessageReader.BadPrefix.class, e -> {
        assertThat(e.tooLarge()).isFalse();
        assertThat(e.flag()).isEqualTo(1);
        assertThat(e).hasMessage("compression flag 1 (expected: 0)");
      });
    }
  }

  @Test
  void aLongStreamDoesNotGrowTheBuffer() throws Exception {
    byte[] kib = new byte[1024];
    try (GrpcMessageReader r = new GrpcMessageReader(4096)) {
      for (int i = 0; i < 10_000; i++) { // 10 MiB through the reader, one message at a time
        r.append(ALLOC, framed(0, kib));
        assertThat(drain(r)).hasSize(1);
      }
      assertThat(r.capacity()).isLessThan(64 * 1024);
    }
  }
}
