/**
 * A small HTTP/1.1 server shared by the toolkit's listeners (API gateway, sidecar, web dashboard):
 * {@link io.micro.toolkit.http.HttpServer} routes requests by path to {@link
 * io.micro.toolkit.http.HttpHandler}s that answer asynchronously, with bounded sizes and times,
 * TLS, CORS, an access log and go-micro error JSON; {@link io.micro.toolkit.http.WebSocketHandler}
 * serves websockets; {@link io.micro.toolkit.http.HttpProxy} reverse-proxies to a backend.
 *
 * <pre>{@code
 * try (HttpServer server = HttpServer.builder()
 *     .address("127.0.0.1:8080")
 *     .route("/hello", req -> HttpResponse.ok("application/json", "{\"msg\":\"hi\"}"))
 *     .build()
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
@NullMarked
package io.micro.toolkit.http;

import org.jspecify.annotations.NullMarked;
