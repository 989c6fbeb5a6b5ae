package io.micro.toolkit.api;

import io.micro.toolkit.http.HttpRequest;

/** In-process requests for resolver tests. */
final class Requests {
  private Requests() {}

  static HttpRequest get(String uri, String host) {
    return HttpRequest.of("GET", uri, new byte[0], "Host", host);
  }
}
