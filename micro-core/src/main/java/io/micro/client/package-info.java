/**
 * The client side of Micro: {@link io.micro.client.Client} calls a service by name, picks a node
 * with a {@link io.micro.selector.Selector}, speaks mucp (or go-micro's legacy JSON-RPC / proto-RPC
 * envelopes to nodes that do not advertise a {@code protocol}) over a pooled
 * {@link io.micro.transport.Transport} connection, retries with backoff on connection errors and
 * timeouts within one overall deadline, and turns interfaces into typed proxies.
 *
 * <p>The request path, outermost first:
 *
 * <pre>
 *   call / callAsync / proxy
 *     -> select(service)                      once per call (or CallOptions addresses)
 *     -> attempt 0..retries:  backoff, next node
 *          -> CallWrapper 1 -> ... -> CallWrapper n
 *               -> pooled connection -> send request -> receive one reply (Timeout)
 *     -> decoded reply, or the MicroException the server (or the client) raised
 * </pre>
 *
 * <p>{@link io.micro.client.Request}, {@link io.micro.client.CallOptions}, {@link
 * io.micro.client.Backoff}, {@link io.micro.client.RetryPolicy} and {@link
 * io.micro.client.CallWrapper} are the values and functions that shape a call.
 */
@NullMarked
package io.micro.client;

import org.jspecify.annotations.NullMarked;
