package io.micro.toolkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The quick JSON check claims nothing Jackson (the gateway's real check) would refuse. */
class PlainJsonTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "[]", " {\"name\":\"John\"} ", "\n\t{ \"a\" : [1, -2, 3.5, 4e10, -0.5E-3, 0], \"b\": {\"c\": null} }\r\n",
      "[true,false,null,\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"]", "[[[[]]]]", "{\"\":\"\"}", "[\"\u007f\"]",
  })
  void plainJsonIsRecognised(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    assertThat(PlainJson.isObjectOrArray(b)).isTrue();
    assertThat(jacksonAccepts(b)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "1", "\"s\"", "null", "{", "}", "[", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\":}", "{a:1}", "[01]", "[1.]",
      "[.5]", "[-]", "[+1]", "[1e]", "[tru]", "[truex]", "[nul]", "{}{}", "{} x", "[\"\\x\"]", "[\"\\u12g4\"]",
      "[\"a\tb\"]", "[\"caf\u00e9\"]", "['a']", "[1 2]", "{\"a\":1 \"b\":2}", "[NaN]", "/*c*/{}", "{}//", "[\"unterminated]",
      "\u00ef\u00bb\u00bf{}",
  })
  void anythingElseIsLeftToJackson(String body) {
    assertThat(PlainJson.isObjectOrArray(body.getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void nestingBeyondTheQuickLimitIsLeftToJackson() {
    String ok = "[".repeat(PlainJson.MAX_DEPTH) + "]".repeat(PlainJson.MAX_DEPTH);
    String deep = "[".repeat(PlainJson.MAX_DEPTH + 1) + "]".repeat(PlainJson.MAX_DEPTH + 1);
    assertThat(PlainJson.isObjectOrArray(ok.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(PlainJson.isObjectOrArray(deep.getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(jacksonAccepts(deep.getBytes(StandardCharsets.UTF_8))).isTrue(); // Jackson's limit is 64
    String tooDeep = "[".repeat(65) + "]".repeat(65);
    assertThatThrownBy(() -> Payloads.validate(tooDeep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MicroException.class).hasMessageContaining("malformed JSON body");
  }

  @Test
  void validateStillNamesWhatIsWrong() {
    assertThatThrownBy(() -> Payloads.validate("[1,]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MicroException.class).hasMessageContaining("malformed JSON body");
    assertThatThrownBy(() -> Payloads.validate("\"s\"".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MicroException.class).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> Payloads.validate("{} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MicroException.class).hasMessageContaining("more than one value");
    Payloads.validate("{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8)); // non-ASCII: Jackson's verdict
  }

  /** Mutations of valid bodies: whatever the quick check accepts, Jackson accepts too. */
  @Test
  void neverAcceptsWhatJacksonRefuses() {
    String[] seeds = {
        "{\"name\":\"John\",\"age\":42,\"tags\":[\"a\",\"b\"],\"x\":{\"y\":[1.5e3,-0,true,false,null]}}",
        "[{\"a\":\"\\u0041\\n\"},[],{},[[1],[2,3]]]",
    };
    byte[] alphabet = "{}[]:,\"\\ \t\n\r0123456789.-+eEtrufalsn/abxu".getBytes(StandardCharsets.US_ASCII);
    Random random = new Random(7);
    int accepted = 0;
    for (int round = 0; round < 100_000; round++) {
      byte[] b = seeds[round % seeds.length].getBytes(StandardCharsets.US_ASCII);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(b.length);
        switch (random.nextInt(3)) {
          case 0 -> b[at] = alphabet[random.nextInt(alphabet.length)];
          case 1 -> b = cut(b, at);
          default -> b = insert(b, at, alphabet[random.nextInt(alphabet.length)]);
        }
      }
      if (PlainJson.isObjectOrArray(b)) {
        accepted++;
        assertThat(jacksonAccepts(b)).as(new String(b, StandardCharsets.US_ASCII)).isTrue();
      }
    }
    assertThat(accepted).isPositive();
  }

  private static byte[] cut(byte[] b, int at) {
    byte[] out = new byte[b.length - 1];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte c) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = c;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }

  /** Jackson's verdict, as Payloads.validate asks it: one object or array, nothing after it. */
  private static boolean jacksonAccepts(byte[] b) {
    try (JsonParser p = Payloads.JSON.getFactory().createParser(b)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
