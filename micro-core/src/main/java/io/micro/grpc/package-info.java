/**
 * gRPC beside mucp: the pieces both the server (gRPC over HTTP/2 cleartext on the HTTP transport's
 * port) and the client (calls to {@code protocol=grpc} nodes) share: status codes and their mapping
 * to micro error codes, {@code grpc-timeout}, {@code :path} ↔ endpoint, content types, and
 * metadata ↔ header rules. See {@code docs/grpc.md}.
 */
@NullMarked
package io.micro.grpc;

import org.jspecify.annotations.NullMarked;
