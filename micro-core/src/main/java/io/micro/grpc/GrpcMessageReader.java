package io.micro.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Reassembles gRPC's length-prefixed messages (a compression flag byte, a 4-byte big-endian length,
 * the message) from the DATA frames of one HTTP/2 stream, for the server and the client alike.
 * Bytes already handed out are discarded as more arrive, so a long stream holds at most one partial
 * message. Not thread-safe: one reader per stream, used on its event loop; {@link #close()} releases
 * what it holds.
 */
public final class GrpcMessageReader implements AutoCloseable {
  private final int maxMessageSize;
  private @Nullable ByteBuf pending;

  /** A reader refusing messages longer than {@code maxMessageSize} bytes. */
  public GrpcMessageReader(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  /** Appends the bytes of a DATA frame (copied; {@code data} stays the caller's). */
  public void append(ByteBufAllocator alloc, ByteBuf data) {
    ByteBuf buf = pending;
    if (buf == null) {
      pending = alloc.buffer(Math.max(64, data.readableBytes())).writeBytes(data);
      return;
    }
    buf.discardSomeReadBytes();
    buf.writeBytes(data);
  }

  /**
   * The next whole message, or null when more bytes are needed.
   *
   * @throws BadPrefix when the next prefix has a compression flag (nothing here decompresses) or a
   *     length over the limit, judged from the prefix before the message arrives
   */
  public byte @Nullable [] next() throws BadPrefix {
    ByteBuf buf = pending;
    if (buf == null || buf.readableBytes() < 5) {
      return null;
    }
    int at = buf.readerIndex();
    int flag = buf.getUnsignedByte(at);
    long length = buf.getUnsignedInt(at + 1);
    if (flag != 0 || length > maxMessageSize) {
      throw new BadPrefix(flag, length, maxMessageSize);
    }
    if (buf.readableBytes() < 5 + length) {
      return null;
    }
    buf.skipBytes(5);
    byte[] message = new byte[(int) length];
    buf.readBytes(message);
    return message;
  }

  /** The bytes held of a message not yet complete (0 between messages). */
  public int partial() {
    ByteBuf buf = pending;
    return buf == null ? 0 : buf.readableBytes();
  }

  /** The size of the buffer held (for tests). */
  int capacity() {
    ByteBuf buf = pending;
    return buf == null ? 0 : buf.capacity();
  }

  /** Releases the buffered bytes; the reader reads nothing more. */
  @Override
  public void close() {
    ByteBuf buf = pending;
    pending = null;
    if (buf != null) {
      buf.release();
    }
  }

  /** A message prefix the reader refuses: {@link #flag()} not 0, or {@link #length()} over the limit. */
  public static final class BadPrefix extends Exception {
    private final int flag;
    private final long length;

    BadPrefix(int flag, long length, int max) {
      super(flag != 0 ? "compression flag " + flag + " (expected: 0)"
          : length + " bytes (expected: <= " + max + ")", null, false, false);
      this.flag = flag;
      this.length = length;
    }

    /** The compression flag of the prefix (0: none). */
    public int flag() {
      return flag;
    }

    /** The message length the prefix announced. */
    public long length() {
      return length;
    }

    /** Whether the prefix was refused for its length (else for its compression flag). */
    public boolean tooLarge() {
      return flag == 0;
    }
  }
}
