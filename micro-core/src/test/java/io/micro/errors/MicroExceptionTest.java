package io.micro.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MicroExceptionTest {

  @Test
  void jsonIsByteForByteWhatGoMicroWrites() {
    // go-micro v4.11.0 on the wire (shared reference, Part F.3)
    String go = "{\"id\":\"go.micro.srv.greeter\",\"code\":404,\"detail\":\"no such user: John\",\"status\":\"Not Found\"}";
    MicroException e = MicroException.notFound("go.micro.srv.greeter", "no such user: %s", "John");
    assertThat(e.toJson()).isEqualTo(go);
  }

  @Test
  void emptyFieldsAreOmittedFromJson() {
    assertThat(MicroException.of("", 0, "boom", "").toJson()).isEqualTo("{\"detail\":\"boom\"}");
    assertThat(MicroException.of("svc", 500, "", "").toJson()).isEqualTo("{\"id\":\"svc\",\"code\":500}");
  }

  @Test
  void parseReadsGoMicroErrorJson() {
    MicroException e = MicroException.parse(
        "{\"id\":\"go.micro.client\",\"code\":408,\"detail\":\"call timeout\",\"status\":\"Request Timeout\"}");
    assertThat(e.id()).isEqualTo("go.micro.client");
    assertThat(e.code()).isEqualTo(408);
    assertThat(e.detail()).isEqualTo("call timeout");
    assertThat(e.status()).isEqualTo("Request Timeout");
  }

  @Test
  void parseTurnsPlainTextIntoCodeZeroWithTheTextAsDetail() {
    MicroException e = MicroException.parse("rpc: can't find method Missing");
    assertThat(e.code()).isZero();
    assertThat(e.detail()).isEqualTo("rpc: can't find method Missing");
    assertThat(MicroException.parse("{not json").detail()).isEqualTo("{not json");
  }

  @Test
  void roundTripKeepsEveryField() {
    MicroException e = MicroException.conflict("svc", "version %d taken", 3);
    assertThat(MicroException.parse(e.toJson()).toJson()).isEqualTo(e.toJson());
  }

  @Test
  void fromKeepsMicroExceptionsAndWrapsOthersAs500() {
    MicroException original = MicroException.forbidden("svc", "no");
    assertThat(MicroException.from("x", original)).isSameAs(original);
    MicroException wrapped = MicroException.from("svc", new IllegalStateException("disk full"));
    assertThat(wrapped.code()).isEqualTo(500);
    assertThat(wrapped.detail()).isEqualTo("disk full");
    assertThat(wrapped.getCause()).isInstanceOf(IllegalStateException.class);
  }

  static Stream<Arguments> factories() {
    return Stream.of(
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::badRequest, 400, "Bad Request"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::unauthorized, 401, "Unauthorized"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::forbidden, 403, "Forbidden"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::notFound, 404, "Not Found"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::methodNotAllowed, 405,
            "Method Not Allowed"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::timeout, 408, "Request Timeout"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::conflict, 409, "Conflict"),
        Arguments.of((BiFunction<String, String, MicroException>) MicroException::internalServerError, 500,
            "Internal Server Error"));
  }

  @ParameterizedTest
  @MethodSource("factories")
  void factoriesSetCodeAndStatusText(BiFunction<String, String, MicroException> factory, int code, String status) {
    MicroException e = factory.apply("svc", "detail 100%");
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.detail()).isEqualTo("detail 100%");
  }
}
