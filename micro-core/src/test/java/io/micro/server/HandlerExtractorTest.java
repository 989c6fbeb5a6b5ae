package io.micro.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import io.micro.metadata.Metadata;
import io.micro.registry.Endpoint;
import io.micro.registry.Value;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class HandlerExtractorTest {

  @Test
  void publicMethodsBecomeEndpointsWithTheFirstLetterUpperCasedSortedByName() {
    List<HandlerMethod> methods = HandlerExtractor.extract("Say", new Greeter.Say());

    assertThat(methods).extracting(HandlerMethod::endpoint).containsExactly(
        "Say.Fail", "Say.Hello", "Say.Later", "Say.LaterFail", "Say.PlainFail", "Say.Whoami");
    assertThat(methods).filteredOn(m -> m.endpoint().equals("Say.Whoami"))
        .singleElement().satisfies(m -> assertThat(m.withMetadata()).isTrue());
    assertThat(methods).filteredOn(m -> m.endpoint().equals("Say.Later"))
        .singleElement().satisfies(m -> assertThat(m.async()).isTrue());
  }

  @Test
  void defaultNameIsTheSimpleClassName() {
    assertThat(HandlerExtractor.defaultName(new Greeter.Say())).isEqualTo("Say");
  }

  @Test
  void schemaOfRecordsMatchesWhatGoMicroRegisters() {
    Endpoint hello = HandlerExtractor.extract("Say", new Greeter.Say()).stream()
        .filter(m -> m.endpoint().equals("Say.Hello")).findFirst().orElseThrow().schema();

    // from the captured mDNS TXT of a real go-micro greeter (protocol doc F.6)
    assertThat(hello).isEqualTo(new Endpoint("Say.Hello",
        new Value("Request", "Request", List.of(Value.of("name", "string"))),
        new Value("Response", "Response", List.of(Value.of("msg", "string"))),
        Map.of()));
  }

  @Test
  void asyncMethodsDescribeTheStageArgumentAsResponse() {
    Endpoint later = HandlerExtractor.extract("Say", new Greeter.Say()).stream()
        .filter(m -> m.endpoint().equals("Say.Later")).findFirst().orElseThrow().schema();

    assertThat(later.response()).isEqualTo(new Value("Response", "Response", List.of(Value.of("msg", "string"))));
  }

  @Test
  void protobufMessagesAreDescribedFromTheirDescriptor() {
    Value v = Schemas.of(Struct.class);

    assertThat(v.name()).isEqualTo("Struct");
    assertThat(v.values()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("fields");
      assertThat(f.type()).isEqualTo("map[string]Value");
    });
    assertThat(Schemas.of(com.google.protobuf.Timestamp.class).values())
        .containsExactly(Value.of("seconds", "int64"), Value.of("nanos", "int32"));
  }

  record Leaf(int depth3) {}

  record Middle(Leaf leaf, List<String> tags) {}

  record Top(Middle middle, long id, byte[] raw, Map<String, Integer> counts) {}

  @Test
  void nestedTypesAreDescribedThreeLevelsDeepWithGoTypeNames() {
    Value top = Schemas.of(Top.class);

    assertThat(top.values()).extracting(Value::name, Value::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("middle", "Middle"),
        org.assertj.core.groups.Tuple.tuple("id", "int64"),
        org.assertj.core.groups.Tuple.tuple("raw", "[]uint8"),
        org.assertj.core.groups.Tuple.tuple("counts", "map[string]int32"));
    Value middle = top.values().get(0);
    assertThat(middle.values()).containsExactly(
        new Value("leaf", "Leaf", List.of()), Value.of("tags", "[]string"));
  }

  static final class WrongShape {
    public String twoArgs(String a, String b) {
      return a + b;
    }
  }

  @Test
  void aMethodOfAnotherShapeIsRejectedNamingItAndTheAcceptedShapes() {
    assertThatThrownBy(() -> HandlerExtractor.extract("Wrong", new WrongShape()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WrongShape.twoArgs(String, String)")
        .hasMessageContaining("Wrong.TwoArgs")
        .hasMessageContaining("Resp m(Req), Resp m(Metadata, Req), CompletionStage<Resp> m(Req)");
  }

  static final class VoidMethod {
    public void fire(String event) {}
  }

  @Test
  void aVoidMethodIsRejected() {
    assertThatThrownBy(() -> HandlerExtractor.extract("V", new VoidMethod()))
        .hasMessageContaining("VoidMethod.fire(String)").hasMessageContaining("unsupported shape");
  }

  static final class Overloaded {
    public String hello(String a) {
      return a;
    }

    public String hello(Metadata md, String a) {
      return a;
    }
  }

  @Test
  void overloadsAreRejected() {
    assertThatThrownBy(() -> HandlerExtractor.extract("O", new Overloaded()))
        .hasMessageContaining("O.Hello").hasMessageContaining("overloads are not supported");
  }

  record Plain(String name) {
    public Plain greet(Plain other) {
      return other;
    }
  }

  @Test
  void objectMethodsAreNotEndpointsEvenWhenARecordDeclaresThem() {
    assertThatThrownBy(() -> HandlerExtractor.extract("P", new Plain("x")))
        .hasMessageContaining("P.Name"); // the accessor name() has no parameter: rejected, not silently served
    assertThat(HandlerExtractor.extract("G", new Object() {
      public String greet(String s) {
        return s;
      }
    })).extracting(HandlerMethod::endpoint).containsExactly("G.Greet");
  }

  @Test
  void anAnonymousHandlerNeedsAName() {
    Object anonymous = new Object() {
      public CompletionStage<String> x(String s) {
        return null;
      }
    };
    assertThatThrownBy(() -> HandlerExtractor.defaultName(anonymous))
        .hasMessageContaining("use handle(name, handler)");
  }

  @Test
  void aHandlerNameWithADotIsRejected() {
    assertThatThrownBy(() -> HandlerExtractor.extract("a.b", new Greeter.Say()))
        .hasMessageContaining("'a.b'").hasMessageContaining("no '.'");
  }
}
