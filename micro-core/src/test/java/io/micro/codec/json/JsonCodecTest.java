package io.micro.codec.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Field;
import io.micro.errors.MicroException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private final JsonCodec codec = JsonCodec.create();

  public record Request(String name) {}

  public record Response(String msg) {}

  public record Query(String userId, int maxCount) {}

  /** A plain object with a public field and a setter. */
  public static final class Pojo {
    public String firstName = "";
    private long orderId;

    public long getOrderId() {
      return orderId;
    }

    public void setOrderId(long orderId) {
      this.orderId = orderId;
    }
  }

  static final class Holder {
    List<Request> requests = List.of();
  }

  @Test
  void recordIsWrittenExactlyAsTheGoClientSendsIt() {
    // go-micro-wire-samples.txt 2: Content-Length 16, body {"name":"John"}\n
    assertThat(new String(codec.marshal(new Request("John")), UTF_8)).isEqualTo("{\"name\":\"John\"}\n");
    assertThat(codec.marshal(new Request("John"))).hasSize(16);
    // and the reply: Content-Length 21, {"msg":"Hello John"}\n
    assertThat(new String(codec.marshal(new Response("Hello John")), UTF_8))
        .isEqualTo("{\"msg\":\"Hello John\"}\n");
  }

  @Test
  void recordReadsTheGoBodyWithItsTrailingNewline() {
    Object r = codec.unmarshal("{\"name\":\"John\"}\n".getBytes(UTF_8), Request.class);
    assertThat(r).isEqualTo(new Request("John"));
  }

  @Test
  void snakeCaseAndCamelCaseNamesAreBothAccepted() {
    assertThat(codec.unmarshal("{\"user_id\":\"u1\",\"max_count\":3}".getBytes(UTF_8), Query.class))
        .isEqualTo(new Query("u1", 3));
    assertThat(codec.unmarshal("{\"userId\":\"u2\",\"maxCount\":4}".getBytes(UTF_8), Query.class))
        .isEqualTo(new Query("u2", 4));
    Pojo p = (Pojo) codec.unmarshal("{\"first_name\":\"Ann\",\"order_id\":7}".getBytes(UTF_8), Pojo.class);
    assertThat(p.firstName).isEqualTo("Ann");
    assertThat(p.getOrderId()).isEqualTo(7);
  }

  @Test
  void outputUsesTheJavaPropertyNames() {
    assertThat(new String(codec.marshal(new Query("u", 1)), UTF_8))
        .isEqualTo("{\"userId\":\"u\",\"maxCount\":1}\n");
  }

  @Test
  void unknownFieldsAreIgnored() {
    Object r = codec.unmarshal("{\"name\":\"a\",\"extra\":{\"x\":[1,2]}}".getBytes(UTF_8), Request.class);
    assertThat(r).isEqualTo(new Request("a"));
  }

  @Test
  void malformedJsonIsABadRequestSayingWhatAndWhere() {
    assertThatThrownBy(() -> codec.unmarshal("{\"name\":}".getBytes(UTF_8), Request.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail())
              .startsWith("malformed JSON body for Request: Unexpected character ('}'")
              .endsWith("at line 1, column 9");
        });
  }

  @Test
  void wrongValueTypeIsABadRequestNamingTheType() {
    assertThatThrownBy(() -> codec.unmarshal("{\"userId\":\"u\",\"maxCount\":\"many\"}".getBytes(UTF_8),
        Query.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).startsWith("invalid JSON body for Query:").contains("many");
        });
  }

  @Test
  void nestingDeeperThanTheLimitIsRejected() {
    String deep = "{\"name\":\"x\",\"extra\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThatThrownBy(() -> codec.unmarshal(deep.getBytes(UTF_8), Request.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).contains("nesting depth");
        });
  }

  @Test
  void stringsLongerThanTheLimitAreRejected() {
    JsonCodec small = JsonCodec.builder().maxStringLength(10).build();
    assertThatThrownBy(() -> small.unmarshal("{\"name\":\"0123456789abc\"}".getBytes(UTF_8), Request.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).contains("String value length").contains("10");
        });
  }

  @Test
  void protobufMessagesUseProtoNamesAndOmitDefaults() {
    Field f = Field.newBuilder().setName("id").setJsonName("theId").setNumber(0).setPacked(false).build();
    assertThat(new String(codec.marshal(f), UTF_8)).isEqualTo("{\"name\":\"id\",\"json_name\":\"theId\"}\n");
  }

  @Test
  void protobufMessagesReadOriginalOrCamelNamesAndIgnoreUnknownFields() {
    Field a = (Field) codec.unmarshal("{\"json_name\":\"a\",\"number\":2,\"nope\":1}\n".getBytes(UTF_8), Field.class);
    Field b = (Field) codec.unmarshal("{\"jsonName\":\"a\",\"number\":2}".getBytes(UTF_8), Field.class);
    assertThat(a).isEqualTo(b);
    assertThat(a.getJsonName()).isEqualTo("a");
    assertThat(a.getNumber()).isEqualTo(2);
  }

  @Test
  void malformedJsonForAProtobufMessageIsABadRequest() {
    assertThatThrownBy(() -> codec.unmarshal("{\"number\":".getBytes(UTF_8), Field.class))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).startsWith("malformed JSON body for Field:");
        });
    String deep = "{\"options\":[" + "[".repeat(80) + "]".repeat(80) + "]}";
    assertThatThrownBy(() -> codec.unmarshal(deep.getBytes(UTF_8), Field.class))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).contains("nesting depth 65"));
  }

  @Test
  void emptyBodyReadsAsAnEmptyObject() {
    assertThat(codec.unmarshal(new byte[0], Request.class)).isEqualTo(new Request(null));
    assertThat(codec.unmarshal("\n".getBytes(UTF_8), Field.class)).isEqualTo(Field.getDefaultInstance());
  }

  @Test
  void bytesAndStringsPassThroughRaw() {
    byte[] raw = "{\"a\":1}".getBytes(UTF_8);
    assertThat(codec.marshal(raw)).isSameAs(raw);
    assertThat(codec.unmarshal(raw, byte[].class)).isSameAs(raw);
    assertThat(codec.marshal("{\"a\":1}")).isEqualTo(raw);
    assertThat(codec.unmarshal(raw, String.class)).isEqualTo("{\"a\":1}");
  }

  @Test
  void genericTypesAreDecoded() throws Exception {
    Type listOfRequests = Holder.class.getDeclaredField("requests").getGenericType();
    Object v = codec.unmarshal("[{\"name\":\"a\"},{\"name\":\"b\"}]".getBytes(UTF_8), listOfRequests);
    assertThat(v).isEqualTo(List.of(new Request("a"), new Request("b")));
    assertThat(codec.unmarshal("{\"k\":1}".getBytes(UTF_8), Map.class)).isEqualTo(Map.of("k", 1));
  }

  @Test
  void namingHelpersConvertBothWays() {
    assertThat(LenientNames.snake("requestTypeUrl")).isEqualTo("request_type_url");
    assertThat(LenientNames.camel("request_type_url")).isEqualTo("requestTypeUrl");
  }
}
