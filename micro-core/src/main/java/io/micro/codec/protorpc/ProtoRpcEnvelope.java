package io.micro.codec.protorpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.micro.codec.Codec;
import io.micro.codec.Envelope;
import io.micro.codec.proto.ProtoCodec;
import io.micro.errors.MicroException;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The proto-RPC envelope of go-micro's legacy protocol: two netstrings,
 * {@code [4-byte BE length][header][4-byte BE length][body]}.
 *
 * <p>The header is the proto3 message {@code {string service_method = 1; fixed64 seq = 2;
 * string error = 3;}} with default values omitted, as modern go-micro writes it (requests never carry
 * {@code error}). {@link Frame#id()} is {@code seq} as an unsigned decimal string. On error the body
 * netstring is empty. Lengths are checked against the bytes actually present, so a lying length
 * fails with a 400 instead of allocating. Stateless and safe for concurrent use.
 */
public final class ProtoRpcEnvelope implements Envelope {
  /** {@code application/proto-rpc}. */
  public static final String CONTENT_TYPE = "application/proto-rpc";

  private static final String ERROR_ID = "go.micro.codec";
  private static final int METHOD = 1;
  private static final int SEQ = 2;
  private static final int ERROR = 3;

  private final Codec bodyCodec;

  private ProtoRpcEnvelope(Codec bodyCodec) {
    this.bodyCodec = bodyCodec;
  }

  /** An envelope whose bodies use {@link ProtoCodec}. */
  public static ProtoRpcEnvelope create() {
    return new ProtoRpcEnvelope(ProtoCodec.create());
  }

  /** An envelope whose bodies use {@code bodyCodec}. */
  public static ProtoRpcEnvelope create(Codec bodyCodec) {
    return new ProtoRpcEnvelope(bodyCodec);
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Codec bodyCodec() {
    return bodyCodec;
  }

  @Override
  public Frame readRequest(byte[] data) {
    return read(data, "request");
  }

  /** Writes the request header ({@code service_method}, {@code seq}) and the body. */
  @Override
  public byte[] writeRequest(Frame frame) {
    return write(frame.method(), seq(frame.id()), "", frame.body());
  }

  @Override
  public Frame readResponse(byte[] data) {
    return read(data, "response");
  }

  /** Writes the response header ({@code service_method}, {@code seq}, {@code error}) and the body (empty on error). */
  @Override
  public byte[] writeResponse(Frame frame) {
    byte[] body = frame.error().isEmpty() ? frame.body() : null;
    return write(frame.method(), seq(frame.id()), frame.error(), body);
  }

  private static byte[] write(String method, long seq, String error, byte @Nullable [] body) {
    int headerLen = (method.isEmpty() ? 0 : CodedOutputStream.computeStringSize(METHOD, method))
        + (seq == 0 ? 0 : CodedOutputStream.computeFixed64Size(SEQ, seq))
        + (error.isEmpty() ? 0 : CodedOutputStream.computeStringSize(ERROR, error));
    int bodyLen = body == null ? 0 : body.length;
    byte[] out = new byte[8 + headerLen + bodyLen];
    putLength(out, 0, headerLen);
    CodedOutputStream cos = CodedOutputStream.newInstance(out, 4, headerLen);
    try {
      if (!method.isEmpty()) {
        cos.writeString(METHOD, method);
      }
      if (seq != 0) {
        cos.writeFixed64(SEQ, seq);
      }
      if (!error.isEmpty()) {
        cos.writeString(ERROR, error);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("proto-rpc header size miscomputed", e);
    }
    putLength(out, 4 + headerLen, bodyLen);
    if (body != null) {
      System.arraycopy(body, 0, out, 8 + headerLen, bodyLen);
    }
    return out;
  }

  private static Frame read(byte[] data, String what) {
    int headerLen = length(data, 0, what, "header");
    String method = "";
    long seq = 0;
    String error = "";
    try {
      CodedInputStream in = CodedInputStream.newInstance(data, 4, headerLen);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        int type = WireFormat.getTagWireType(tag);
        if (field == METHOD && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          method = in.readString();
        } else if (field == SEQ && type == WireFormat.WIRETYPE_FIXED64) {
          seq = in.readFixed64();
        } else if (field == SEQ && type == WireFormat.WIRETYPE_VARINT) {
          seq = in.readUInt64();
        } else if (field == ERROR && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          error = in.readString();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      throw MicroException.badRequest(ERROR_ID, "malformed proto-rpc %s header: %s", what, e.getMessage())
          .withCause(e);
    }
    int bodyAt = 4 + headerLen;
    byte[] body = null;
    if (data.length > bodyAt) {
      int bodyLen = length(data, bodyAt, what, "body");
      body = Arrays.copyOfRange(data, bodyAt + 4, bodyAt + 4 + bodyLen);
    }
    return new Frame(method, Long.toUnsignedString(seq), body, error);
  }

  /** The netstring length at {@code at}, checked against the bytes that follow it. */
  private static int length(byte[] data, int at, String what, String part) {
    if (data.length - at < 4) {
      throw MicroException.badRequest(ERROR_ID,
          "malformed proto-rpc %s: %d bytes left for the %s length (expected: 4)", what, data.length - at, part);
    }
    long len = ((data[at] & 0xffL) << 24) | ((data[at + 1] & 0xff) << 16)
        | ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
    long left = data.length - at - 4L;
    if (len > left) {
      throw MicroException.badRequest(ERROR_ID,
          "malformed proto-rpc %s: %s length %d (expected: <= %d, the bytes left)", what, part, len, left);
    }
    return (int) len;
  }

  private static void putLength(byte[] out, int at, int len) {
    out[at] = (byte) (len >>> 24);
    out[at + 1] = (byte) (len >>> 16);
    out[at + 2] = (byte) (len >>> 8);
    out[at + 3] = (byte) len;
  }

  private static long seq(String id) {
    if (id.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(id);
    } catch (NumberFormatException e) {
      throw MicroException.internalServerError(ERROR_ID,
          "proto-rpc seq: \"%s\" (expected: an unsigned decimal number)", id);
    }
  }
}
