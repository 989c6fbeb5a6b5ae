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
 *     .route("/hello", HttpHandler.sync(req -> HttpResponse.ok("application/json", "{\"msg\":\"hi\"}")))
 *     .build()
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Writing handlers:
 *
 * <ul>
 *   <li>{@link io.micro.toolkit.http.HttpHandler#handle} runs on an event loop: return a stage
 *       completed later by an asynchronous API ({@code Client#callAsync}), or wrap blocking code
 *       with {@link io.micro.toolkit.http.HttpHandler#blocking}. A failed stage with a {@code
 *       MicroException} becomes its status and error JSON.
 *   <li>Websockets: answer {@link io.micro.toolkit.http.HttpResponse#webSocket} with a {@link
 *       io.micro.toolkit.http.WebSocketHandler}; its {@link io.micro.toolkit.http.WebSocketSession}
 *       sends from any thread.
 *   <li>Reverse proxying: {@link io.micro.toolkit.http.HttpProxy#forward} (streamed, websockets
 *       tunnelled) or {@link io.micro.toolkit.http.HttpProxy#exchange} (one collected answer).
 *   <li>{@code --enable_stats}: {@link io.micro.toolkit.http.HttpStats} as {@code onResponse}
 *       listener and {@code /stats} route; TLS flags: the {@link io.micro.toolkit.http.TlsOptions}
 *       mixin; CORS flags: {@link io.micro.toolkit.http.Cors#parse}.
 * </ul>
 */
@NullMarked
package io.micro.toolkit.http;

import org.jspecify.annotations.NullMarked;
