package io.micro.plugins.registry.consul;

import io.micro.errors.MicroException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The Consul agent's HTTP API as this plugin uses it: one {@link HttpClient} (HTTP/1.1), the ACL
 * token in {@code X-Consul-Token}, and fail-over between the configured agents — a request that
 * cannot reach the current agent is sent to the next one, which then stays current.
 *
 * <p>Thread-safe.
 */
final class Agent {
  /** The id of the errors this plugin throws. */
  static final String ERROR_ID = "go.micro.registry.consul";

  private final List<URI> bases;
  private final HttpClient http;
  private final @Nullable String token;
  private final Duration requestTimeout;
  private volatile int current;

  /** An answer: its status, its body and its {@code X-Consul-Index} (0 when absent). */
  record Response(int status, byte[] body, long index) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean ok() {
      return status / 100 == 2;
    }
  }

  Agent(
      List<String> addresses,
      boolean https,
      @Nullable SSLContext ssl,
      @Nullable String token,
      Duration connectTimeout,
      Duration requestTimeout) {
    List<URI> uris = new ArrayList<>(addresses.size());
    for (String a : addresses) {
      uris.add(URI.create((https ? "https://" : "http://") + a));
    }
    this.bases = List.copyOf(uris);
    this.token = token;
    this.requestTimeout = requestTimeout;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
  }

  /** The base URI of the agent requests currently go to, e.g. {@code http://127.0.0.1:8500}. */
  String current() {
    return bases.get(current).toString();
  }

  /** Every configured agent, for error messages. */
  String all() {
    List<String> s = new ArrayList<>(bases.size());
    for (URI u : bases) {
      s.add(u.toString());
    }
    return String.join(", ", s);
  }

  /**
   * Finds the first agent that answers HTTP at all (any status), so that an unreachable Consul
   * fails at start and not at the first registration.
   *
   * @throws MicroException naming every address tried when none answers
   */
  void probe() {
    call("GET", "/v1/status/leader", null, requestTimeout);
  }

  /** {@code PUT} with a JSON body (or none), within the default request timeout. */
  Response put(String pathAndQuery, byte @Nullable [] json) {
    return call("PUT", pathAndQuery, json, requestTimeout);
  }

  /** {@code GET} within the default request timeout. */
  Response get(String pathAndQuery) {
    return call("GET", pathAndQuery, null, requestTimeout);
  }

  /** A blocking {@code GET} that may take {@code wait} plus Consul's jitter (wait/16) to answer. */
  Response block(String pathAndQuery, Duration wait) {
    return call("GET", pathAndQuery, null, wait.plus(wait.dividedBy(16)).plus(requestTimeout));
  }

  /**
   * Sends one request, failing over to the other agents when the current one cannot be reached.
   *
   * @throws MicroException (500) naming the agents when none could be reached; when interrupted,
   *     with the interrupt flag set again
   */
  Response call(String method, String pathAndQuery, byte @Nullable [] body, Duration timeout) {
    int start = current;
    IOException last = null;
    // every agent once; a single agent twice, since a pooled connection may have died under us
    int attempts = Math.max(2, bases.size());
    for (int i = 0; i < attempts; i++) {
      int at = (start + i) % bases.size();
      HttpRequest.Builder req =
          HttpRequest.newBuilder(bases.get(at).resolve(pathAndQuery))
              .timeout(timeout)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      if (body != null) {
        req.header("Content-Type", "application/json");
      }
      if (token != null && !token.isEmpty()) {
        req.header("X-Consul-Token", token);
      }
      try {
        HttpResponse<byte[]> rsp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        current = at;
        OptionalLong index = rsp.headers().firstValueAsLong("X-Consul-Index");
        return new Response(rsp.statusCode(), rsp.body(), index.orElse(0));
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MicroException.internalServerError(
                ERROR_ID, "consul %s %s: interrupted", method, pathAndQuery)
            .withCause(e);
      } catch (NumberFormatException e) {
        throw MicroException.internalServerError(
            ERROR_ID, "consul %s %s: X-Consul-Index is not a number (expected: an index)",
            method, pathAndQuery);
      }
    }
    String why = last == null ? "no agent" : last.getClass().getSimpleName()
        + (last.getMessage() == null ? "" : " " + last.getMessage());
    throw MicroException.internalServerError(
            ERROR_ID,
            "consul agent unreachable at %s: %s %s: %s (expected: a Consul agent's HTTP API, e.g. `consul agent -dev` on 127.0.0.1:8500)",
            all(), method, pathAndQuery, why)
        .withCause(last == null ? new IOException("no agent") : last);
  }

  /**
   * Throws unless {@code rsp} is a 2xx answer.
   *
   * @throws MicroException (500) naming the agent, the request, Consul's status and message
   */
  Response check(Response rsp, String method, String pathAndQuery) {
    if (!rsp.ok()) {
      String text = rsp.text().strip();
      if (text.length() > 300) {
        text = text.substring(0, 300) + "…";
      }
      throw MicroException.internalServerError(
          ERROR_ID, "consul agent %s: %s %s: %d %s (expected: 200)",
          current(), method, pathAndQuery, rsp.status(), text);
    }
    return rsp;
  }
}
