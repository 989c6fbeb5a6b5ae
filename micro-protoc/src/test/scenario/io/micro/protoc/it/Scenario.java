package io.micro.protoc.it;

import io.micro.client.AsyncClientStream;
import io.micro.client.CallOptions;
import io.micro.client.ClientStream;
import io.micro.client.Client;
import io.micro.errors.MicroException;
import io.micro.protoc.it.echo.EchoClient;
import io.micro.protoc.it.echo.EchoHandler;
import io.micro.protoc.it.echo.EchoOuterClass.Ping;
import io.micro.server.Server;
import io.micro.metadata.Metadata;
import io.micro.stream.BidiStream;
import io.micro.stream.StreamReceiver;
import io.micro.stream.StreamObserver;
import io.micro.stream.StreamSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import micro.test.users.User;
import micro.test.users.UserDirectoryClient;
import micro.test.users.UserDirectoryHandler;
import micro.test.users.UserQuery;

/**
 * Compiled by the test together with the generated code: serves implementations of the generated
 * handler interfaces on a real server on 127.0.0.1 and calls them through the generated clients.
 * Returns one line per observation, which the test compares.
 */
public final class Scenario implements Callable<List<String>> {

  /** Implements the generated interface, plus a public method that must not become an endpoint. */
  static final class EchoImpl implements EchoHandler {
    @Override
    public Ping.Pong call(Ping request) {
      String user = Metadata.current().get("X-User").orElse("-");
      return Ping.Pong.newBuilder().setText("echo: " + request.getText() + " user=" + user).build();
    }

    @Override
    public Ping.Pong fail(Ping request) {
      throw MicroException.of("micro.test.echo", request.getCode(), "failed: " + request.getText());
    }

    @Override
    public void count(Ping request, StreamSender<Ping.Pong> responses) {
      for (int i = 1; i <= request.getCode(); i++) {
        responses.send(Ping.Pong.newBuilder().setText(request.getText() + " " + i).build());
      }
    }

    @Override
    public Ping.Pong sum(StreamReceiver<Ping> requests) {
      StringBuilder all = new StringBuilder();
      requests.forEach(p -> all.append(p.getText()));
      return Ping.Pong.newBuilder().setText(all.toString()).build();
    }

    @Override
    public void chat(BidiStream<Ping, Ping.Pong> stream) {
      for (Ping p = stream.receive(); p != null; p = stream.receive()) {
        stream.send(Ping.Pong.newBuilder().setText("re: " + p.getText()).build());
      }
    }

    public String notAnEndpoint(String s) {
      return s;
    }
  }

  static final class Users implements UserDirectoryHandler {
    @Override
    public User getUser(UserQuery request) {
      return User.newBuilder().setId(request.getId()).setName("user " + request.getId()).build();
    }

    @Override
    @Deprecated
    public Ping.Pong ping(Ping request) {
      return Ping.Pong.newBuilder().setText("pong " + request.getText()).build();
    }
  }

  /** Collects what a stream delivers to its observer. */
  static final class Collected implements StreamObserver<Ping.Pong> {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private volatile String end = "open";

    @Override
    public void onNext(Ping.Pong message) {
      messages.add(message.getText());
    }

    @Override
    public void onError(MicroException error) {
      end = "error " + error.code();
    }

    @Override
    public void onCompleted() {
      end = "completed";
    }

    String result() {
      return messages + " " + end;
    }
  }

  @Override
  @SuppressWarnings("deprecation") // calls the deprecated UserDirectory.Ping on purpose
  public List<String> call() throws Exception {
    List<String> out = new ArrayList<>();
    try (Server server = Server.builder().name(EchoClient.SERVICE).address("127.0.0.1:0").build();
        Client client = Client.builder().build()) {
      EchoHandler.register(server, new EchoImpl());
      UserDirectoryHandler.register(server, new Users());
      server.start();
      server.endpoints().forEach(e -> out.add("endpoint " + e.name()));
      // generous deadlines: the machine running the tests may be busy; no retries, so every call
      // below is made exactly once
      CallOptions to = CallOptions.DEFAULT.withAddress(server.address()).withRetries(0)
          .withTimeout(Duration.ofSeconds(60)).withConnectionTimeout(Duration.ofSeconds(60));

      EchoClient echo = EchoClient.create(client).withOptions(to.withHeader("X-User", "ann"));
      out.add("service " + echo.service());
      out.add("content-type '" + echo.options().contentType() + "'");
      out.add("call " + echo.call(Ping.newBuilder().setText("hi").build()).getText());
      out.add("async " + echo.callAsync(Ping.newBuilder().setText("later").build()).get().getText());
      try {
        echo.fail(Ping.newBuilder().setText("no").setCode(409).build());
        out.add("fail returned");
      } catch (MicroException e) {
        out.add("fail " + e.code() + " " + e.detail());
      }
      EchoClient proto = echo.withOptions(to.withContentType("application/protobuf"));
      out.add("proto " + proto.call(Ping.newBuilder().setText("as proto").build()).getText());

      // server streaming, blocking: receive until null
      try (ClientStream<Ping, Ping.Pong> count = echo.count(Ping.newBuilder().setText("n").setCode(3).build())) {
        List<String> got = new ArrayList<>();
        for (Ping.Pong p = count.receive(); p != null; p = count.receive()) {
          got.add(p.getText());
        }
        out.add("count " + got);
      }
      // client streaming: send, closeSend, one response
      try (ClientStream<Ping, Ping.Pong> sum = echo.sum()) {
        for (String t : List.of("a", "b", "c")) {
          sum.send(Ping.newBuilder().setText(t).build());
        }
        sum.closeSend();
        out.add("sum " + sum.receive().getText() + " then " + sum.receive());
      }
      // bidi: one answer per request, in step
      try (ClientStream<Ping, Ping.Pong> chat = echo.chat()) {
        for (String t : List.of("x", "y")) {
          chat.send(Ping.newBuilder().setText(t).build());
          out.add("chat " + chat.receive().getText());
        }
        chat.closeSend();
        out.add("chat end " + chat.receive());
      }
      // server streaming, async: responses go to the observer
      Collected collected = new Collected();
      AsyncClientStream<Ping> async = echo.countAsync(Ping.newBuilder().setText("m").setCode(2).build(), collected);
      async.done().get(30, TimeUnit.SECONDS);
      out.add("countAsync " + collected.result());
      // bidi, async
      Collected chatted = new Collected();
      AsyncClientStream<Ping> chatAsync = echo.chatAsync(chatted);
      chatAsync.send(Ping.newBuilder().setText("p").build()).get(30, TimeUnit.SECONDS);
      chatAsync.send(Ping.newBuilder().setText("q").build()).get(30, TimeUnit.SECONDS);
      chatAsync.closeSend().get(30, TimeUnit.SECONDS);
      chatAsync.done().get(30, TimeUnit.SECONDS);
      out.add("chatAsync " + chatted.result());

      UserDirectoryClient users = UserDirectoryClient.create(client, EchoClient.SERVICE).withOptions(to);
      out.add("users.service-default " + UserDirectoryClient.SERVICE);
      out.add("getUser " + users.getUser(UserQuery.newBuilder().setId("7").build()).getName());
      out.add("ping " + users.ping(Ping.newBuilder().setText("x").build()).getText());
    }
    return out;
  }
}
