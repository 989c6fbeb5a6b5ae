/**
 * Reference servers for the end-to-end benchmark ({@code benchmarks/run.sh}): the greeter on
 * grpc-java and a raw Netty HTTP/1.1 server with a fixed reply. Our own server is the greeter
 * example's jar; all of them bind 127.0.0.1 only.
 */
@NullMarked
package io.micro.benchmarks;

import org.jspecify.annotations.NullMarked;
