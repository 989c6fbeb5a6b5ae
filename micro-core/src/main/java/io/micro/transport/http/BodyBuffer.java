package io.micro.transport.http;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Collects one message body into a heap array, bounded by a maximum size. With a known
 * {@code Content-Length} the array is allocated once at its exact size; past the maximum the
 * content is only counted (discarded as it streams in), so an oversized body costs no memory.
 * Used on one event loop thread only.
 */
final class BodyBuffer {
  private static final byte[] EMPTY = new byte[0];

  private final int max;
  private byte[] data = EMPTY;
  private int size;
  private long seen;
  private long declared;
  private boolean overflow;

  BodyBuffer(int max) {
    this.max = max;
  }

  /** Starts a body of {@code contentLength} bytes, or of unknown length when negative. */
  void start(long contentLength) {
    size = 0;
    seen = 0;
    declared = contentLength;
    overflow = contentLength > max;
    data = !overflow && contentLength > 0 ? new byte[(int) contentLength] : EMPTY;
  }

  /** Appends (or, once over the limit, counts) the readable bytes of {@code content}. */
  void append(ByteBuf content) {
    int n = content.readableBytes();
    seen += n;
    if (overflow || n == 0) {
      return;
    }
    if ((long) size + n > max) {
      overflow = true;
      data = EMPTY;
      return;
    }
    if (size + n > data.length) {
      data = Arrays.copyOf(data, Math.min(max, Math.max(size + n, Math.max(256, data.length * 2))));
    }
    content.readBytes(data, size, n);
    size += n;
  }

  /** True when the body is larger than the maximum. */
  boolean overflow() {
    return overflow;
  }

  /** The size of the body: the declared length, or the bytes seen when none was declared or more came. */
  long length() {
    return Math.max(declared, seen);
  }

  /** The collected body; the buffer is empty afterwards. */
  byte[] take() {
    byte[] out = size == data.length ? data : Arrays.copyOf(data, size);
    data = EMPTY;
    size = 0;
    return out;
  }
}
