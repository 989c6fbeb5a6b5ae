/**
 * The default {@link io.micro.transport.Transport}, {@code http}, on Netty: go-micro's framing of
 * every message as one HTTP/1.1 request ({@code POST /}) or {@code 200 OK} response on a persistent
 * TCP connection, with replies echoing the connection's first request headers, bounded message and
 * header sizes (oversized bodies get a 413 without being buffered, malformed HTTP a 400), idle and
 * slow-request timeouts, and native epoll when available.
 */
@NullMarked
package io.micro.transport.http;

import org.jspecify.annotations.NullMarked;
