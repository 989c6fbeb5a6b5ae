package io.micro.codec.jsonrpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.codec.Envelope.Frame;
import io.micro.codec.json.JsonCodec;
import io.micro.errors.MicroException;
import org.junit.jupiter.api.Test;

class JsonRpcEnvelopeTest {
  private final JsonRpcEnvelope envelope = JsonRpcEnvelope.create();
  private final JsonCodec json = JsonCodec.create();

  public record Response(String msg) {}

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, UTF_8);
  }

  @Test
  void readsTheLegacyRequestCurlSent() {
    // go-micro-wire-samples.txt 4, curl B (Content-Length 56)
    byte[] body = bytes("{\"method\":\"Say.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":0}");
    assertThat(body).hasSize(56);
    Frame f = envelope.readRequest(body);
    assertThat(f.method()).isEqualTo("Say.Hello");
    assertThat(f.id()).isEqualTo("0");
    assertThat(text(f.body())).isEqualTo("{\"name\":\"John\"}");
    assertThat(f.error()).isEmpty();
  }

  @Test
  void writesTheResponseByteForByteAsGoDoesForAStringId() {
    // curl B reply: Content-Length 54, {"id":"0","result":{"msg":"Hello John"},"error":null}\n
    byte[] out = envelope.writeResponse(new Frame("", "\"0\"", json.marshal(new Response("Hello John")), ""));
    assertThat(text(out)).isEqualTo("{\"id\":\"0\",\"result\":{\"msg\":\"Hello John\"},\"error\":null}\n");
    assertThat(out).hasSize(54);
  }

  @Test
  void writesAnErrorResponseByteForByteAsGoDoes() {
    // curl D reply: Content-Length 65
    byte[] out = envelope.writeResponse(new Frame("", "\"\"", bytes("{}"), "rpc: can't find method Missing"));
    assertThat(text(out)).isEqualTo("{\"id\":\"\",\"result\":null,\"error\":\"rpc: can't find method Missing\"}\n");
    assertThat(out).hasSize(65);
  }

  @Test
  void echoesTheIdWithTheJsonTypeItArrivedWith() {
    Frame numeric = envelope.readRequest(bytes("{\"method\":\"A.B\",\"params\":[{}],\"id\":17}"));
    Frame string = envelope.readRequest(bytes("{\"id\":\"abc\",\"method\":\"A.B\",\"params\":[{}]}"));
    assertThat(text(envelope.writeResponse(new Frame("", numeric.id(), bytes("{}\n"), ""))))
        .isEqualTo("{\"id\":17,\"result\":{},\"error\":null}\n");
    assertThat(text(envelope.writeResponse(new Frame("", string.id(), bytes("{}\n"), ""))))
        .isEqualTo("{\"id\":\"abc\",\"result\":{},\"error\":null}\n");
  }

  @Test
  void toleratesParamsGivenAsAnObjectAndMissingParams() {
    Frame f = envelope.readRequest(bytes("{\"method\":\"A.B\",\"params\":{\"x\":[1,{\"y\":\"}\"}]},\"id\":1}"));
    assertThat(text(f.body())).isEqualTo("{\"x\":[1,{\"y\":\"}\"}]}");
    Frame none = envelope.readRequest(bytes("{\"method\":\"A.B\",\"params\":[],\"id\":1}"));
    assertThat(none.body()).isNull();
    Frame scalar = envelope.readRequest(bytes("{\"method\":\"A.B\",\"params\":[\"hi \\\"x\\\"\", 2],\"id\":1}"));
    assertThat(text(scalar.body())).isEqualTo("\"hi \\\"x\\\"\"");
  }

  @Test
  void writesTheRequestAsTheGoClientDoes() {
    byte[] out = envelope.writeRequest(new Frame("Say.Hello", "0", json.marshal(new Response("x")), ""));
    assertThat(text(out)).isEqualTo("{\"method\":\"Say.Hello\",\"params\":[{\"msg\":\"x\"}],\"id\":0}\n");
    byte[] bare = envelope.writeRequest(new Frame("Say.\"Odd\"", "abc", null, ""));
    assertThat(text(bare)).isEqualTo("{\"method\":\"Say.\\\"Odd\\\"\",\"params\":[null],\"id\":\"abc\"}\n");
  }

  @Test
  void readsResponsesWithResultOrError() {
    Frame ok = envelope.readResponse(bytes("{\"id\":\"0\",\"result\":{\"msg\":\"Hello John\"},\"error\":null}\n"));
    assertThat(ok.id()).isEqualTo("\"0\"");
    assertThat(text(ok.body())).isEqualTo("{\"msg\":\"Hello John\"}");
    assertThat(ok.error()).isEmpty();
    Frame failed = envelope.readResponse(bytes("{\"id\":\"\",\"result\":null,\"error\":\"{\\\"code\\\":404}\"}"));
    assertThat(failed.body()).isNull();
    assertThat(failed.error()).isEqualTo("{\"code\":404}");
  }

  @Test
  void malformedEnvelopesAreBadRequests() {
    assertThatThrownBy(() -> envelope.readRequest(bytes("{\"method\":\"A.B\",")))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).startsWith("malformed JSON-RPC request:").contains("line 1");
        });
    assertThatThrownBy(() -> envelope.readRequest(bytes("[1]")))
        .isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.detail()).contains("expected: a JSON object"));
    assertThatThrownBy(() -> envelope.readRequest(bytes("{\"params\":[{}],\"id\":1}")))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("no method"));
  }
}
