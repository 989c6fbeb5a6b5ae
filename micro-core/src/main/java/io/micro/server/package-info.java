/**
 * The RPC server: turns the public methods of plain Java objects into go-micro endpoints
 * ({@code Say.Hello}), serves them over a {@link io.micro.transport.Transport} in go-micro's mucp
 * protocol and in the legacy JSON-RPC / proto-RPC envelopes, registers itself in a
 * {@link io.micro.registry.Registry} with a TTL, and shuts down gracefully (deregister first, then
 * drain in-flight calls).
 *
 * <p>Start with {@link io.micro.server.Server#builder()}; middleware is a
 * {@link io.micro.server.HandlerWrapper}; {@link io.micro.server.ExecutionMode} chooses where
 * handlers run.
 *
 * <p>A handler reads the request's metadata from a {@link io.micro.metadata.Metadata} parameter (or
 * {@link io.micro.metadata.Metadata#current()}) and sends response metadata with {@link
 * io.micro.server.ResponseMetadata#current()}: headers (gRPC initial metadata, mucp reply headers)
 * and trailers (gRPC trailing metadata, mucp headers of the last message), from unary and stream
 * handlers alike.
 */
@NullMarked
package io.micro.server;

import org.jspecify.annotations.NullMarked;
