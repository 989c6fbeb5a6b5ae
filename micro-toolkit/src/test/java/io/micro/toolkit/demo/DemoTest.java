package io.micro.toolkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.memory.MemoryRegistry;
import io.micro.toolkit.Toolkit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The components of {@code micro demo}, started as the command starts them (on free ports and a
 * memory registry), answer {@code Hello John} through the gateway, the sidecar and the dashboard,
 * and stop in reverse order.
 */
class DemoTest {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static String post(String url, String type, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
    return r.body().strip();
  }

  @Test
  void everyComponentAnswersHelloJohn() throws Exception {
    DemoCommand demo = new DemoCommand();
    demo.greeterAddress = "127.0.0.1:0";
    demo.apiAddress = "127.0.0.1:0";
    demo.webAddress = "127.0.0.1:0";
    demo.sidecarAddress = "127.0.0.1:0";
    Deque<Component> started = new ArrayDeque<>();
    Map<String, String> urls = new LinkedHashMap<>();
    try (Toolkit toolkit = Toolkit.builder().env(Map.of()).registry(MemoryRegistry.create()).build()) {
      try {
        for (Component c : demo.components()) {
          List<String> lines = c.start(toolkit);
          started.push(c);
          assertThat(lines).isNotEmpty();
          urls.put(c.name(), lines.get(0).split(" ")[0].replaceAll("/$", ""));
        }
        assertThat(urls).containsKeys("greeter", "web app", "api", "web", "sidecar");
        HttpResponse<String> app = HTTP.send(HttpRequest.newBuilder(URI.create(urls.get("web")
            + "/greeter/?name=John")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(app.body()).contains("<h1>Hello John</h1>").contains("href=\"/greeter/\"");
        assertThat(post(urls.get("api") + "/greeter/say/hello", "application/json", "{\"name\":\"John\"}"))
            .isEqualTo("{\"msg\":\"Hello John\"}");
        assertThat(post(urls.get("sidecar") + "/rpc", "application/x-www-form-urlencoded",
            "service=go.micro.srv.greeter&method=Say.Hello&request=%7B%22name%22%3A%22John%22%7D"))
            .isEqualTo("{\"msg\":\"Hello John\"}");
        assertThat(post(urls.get("web") + "/rpc", "application/json",
            "{\"service\":\"go.micro.srv.greeter\",\"endpoint\":\"Say.Hello\",\"request\":{\"name\":\"John\"}}"))
            .isEqualTo("{\"msg\":\"Hello John\"}");
      } finally {
        while (!started.isEmpty()) {
          started.pop().close();
        }
      }
      assertThat(toolkit.registry().getService("go.micro.srv.greeter")).isEmpty();
      assertThat(toolkit.registry().getService("go.micro.web")).isEmpty();
      assertThat(toolkit.registry().getService("go.micro.web.greeter")).isEmpty();
    }
  }
}
