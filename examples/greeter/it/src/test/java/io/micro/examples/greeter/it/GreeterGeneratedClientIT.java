package io.micro.examples.greeter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.client.CallOptions;
import io.micro.client.Client;
import io.micro.client.ClientStream;
import io.micro.errors.MicroException;
import io.micro.examples.greeter.GreetingsRequest;
import io.micro.examples.greeter.Request;
import io.micro.examples.greeter.Response;
import io.micro.examples.greeter.SayClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The greeter server jar called through {@link SayClient}, the client micro-protoc generated:
 * unary, the server stream {@code Say.Greetings} and the bidirectional stream {@code Say.Chat}.
 */
class GreeterGeneratedClientIT {

  private static JavaProcess server;
  private static Client client;
  private static SayClient say;

  @BeforeAll
  static void startServer() throws Exception {
    int port = JavaProcess.freePort();
    server = JavaProcess.start("generated-client-server", "greeter.server.jar",
        "--server_address=127.0.0.1:" + port, "--registry=memory").awaitPort(port);
    client = Client.builder().build();
    say = SayClient.create(client).withOptions(CallOptions.DEFAULT
        .withAddress("127.0.0.1:" + port).withTimeout(Duration.ofSeconds(60))
        .withConnectionTimeout(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void helloAnswersHelloJohnInJsonAndInProtobuf() throws Exception {
    assertThat(say.hello(Request.newBuilder().setName("John").build()).getMsg())
        .isEqualTo("Hello John");
    SayClient proto = say.withOptions(say.options().withContentType("application/protobuf"));
    assertThat(proto.hello(Request.newBuilder().setName("Jane").build()).getMsg())
        .isEqualTo("Hello Jane");
    assertThat(say.helloAsync(Request.newBuilder().setName("Ann").build()).get().getMsg())
        .isEqualTo("Hello Ann");
  }

  @Test
  void greetingsStreamsCountAnswersThenEnds() {
    List<String> got = new ArrayList<>();
    try (ClientStream<GreetingsRequest, Response> s =
        say.greetings(GreetingsRequest.newBuilder().setName("Ann").setCount(3).build())) {
      for (Response r = s.receive(); r != null; r = s.receive()) {
        got.add(r.getMsg());
      }
    }
    assertThat(got).containsExactly("Hello Ann (1/3)", "Hello Ann (2/3)", "Hello Ann (3/3)");
  }

  @Test
  void greetingsWithABadCountFailsWith400AndTheServerStillAnswers() {
    try (ClientStream<GreetingsRequest, Response> s =
        say.greetings(GreetingsRequest.newBuilder().setName("Ann").setCount(0).build())) {
      assertThatThrownBy(s::receive)
          .isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.detail()).contains("count: 0");
          });
    }
    assertThat(say.hello(Request.newBuilder().setName("Bob").build()).getMsg()).isEqualTo("Hello Bob");
  }

  @Test
  void chatAnswersEachRequestAsItArrives() {
    try (ClientStream<Request, Response> chat = say.chat()) {
      for (String name : List.of("Ann", "Bob", "Cy")) {
        chat.send(Request.newBuilder().setName(name).build());
        assertThat(chat.receive().getMsg()).isEqualTo("Hello " + name);
      }
      chat.closeSend();
      assertThat(chat.receive()).isNull();
    }
  }
}
