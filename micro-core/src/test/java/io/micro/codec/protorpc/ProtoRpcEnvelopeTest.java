package io.micro.codec.protorpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.codec.Envelope.Frame;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtoRpcEnvelopeTest {
  private final ProtoRpcEnvelope envelope = ProtoRpcEnvelope.create();
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void writesTheEofErrorReplyGoSendsToAGetByteForByte() {
    // go-micro-wire-samples.txt 4, curl I: Content-Length 13, Micro-Error: EOF.
    // header {error: "EOF"} = 1a 03 'E' 'O' 'F' (5 bytes), then an empty body netstring.
    byte[] out = envelope.writeResponse(new Frame("", "0", null, "EOF"));
    assertThat(HEX.formatHex(out)).isEqualTo("00000005" + "1a03454f46" + "00000000");
    assertThat(out).hasSize(13);
  }

  @Test
  void writesARequestHeaderAsProto3WithFixed64Seq() {
    byte[] body = {0x0a, 0x04, 'J', 'o', 'h', 'n'};
    byte[] out = envelope.writeRequest(new Frame("Say.Hello", "1", body, ""));
    String header = "0a09" + HEX.formatHex("Say.Hello".getBytes(StandardCharsets.US_ASCII))
        + "11" + "0100000000000000";
    assertThat(HEX.formatHex(out)).isEqualTo("00000014" + header + "00000006" + "0a044a6f686e");
    Frame back = envelope.readRequest(out);
    assertThat(back.method()).isEqualTo("Say.Hello");
    assertThat(back.id()).isEqualTo("1");
    assertThat(back.body()).isEqualTo(body);
    assertThat(back.error()).isEmpty();
  }

  @Test
  void responsesRoundTripWithUnsignedSeqAndError() {
    byte[] ok = envelope.writeResponse(new Frame("Say.Hello", "18446744073709551615", new byte[] {1}, ""));
    Frame f = envelope.readResponse(ok);
    assertThat(f.id()).isEqualTo("18446744073709551615");
    assertThat(f.body()).containsExactly(1);
    byte[] failed = envelope.writeResponse(new Frame("Say.Hello", "2", new byte[] {1, 2}, "boom"));
    Frame e = envelope.readResponse(failed);
    assertThat(e.error()).isEqualTo("boom");
    assertThat(e.body()).isEmpty();
  }

  @Test
  void aMissingBodyNetstringReadsAsNoBody() {
    Frame f = envelope.readRequest(HEX.parseHex("00000003" + "0a0141"));
    assertThat(f.method()).isEqualTo("A");
    assertThat(f.body()).isNull();
  }

  @Test
  void lyingOrTruncatedLengthsAreBadRequests() {
    assertThatThrownBy(() -> envelope.readRequest(HEX.parseHex("7fffffff0a")))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).isEqualTo(
              "malformed proto-rpc request: header length 2147483647 (expected: <= 1, the bytes left)");
        });
    assertThatThrownBy(() -> envelope.readRequest(HEX.parseHex("000000")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("3 bytes left"));
    assertThatThrownBy(() -> envelope.readResponse(HEX.parseHex("00000000" + "ffffffff")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("body length 4294967295"));
    assertThatThrownBy(() -> envelope.readRequest(HEX.parseHex("00000002" + "0a05")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).startsWith("malformed proto-rpc request header"));
  }

  @Test
  void aNonNumericIdCannotBeWritten() {
    assertThatThrownBy(() -> envelope.writeRequest(new Frame("A.B", "abc", null, "")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("\"abc\""));
  }
}
