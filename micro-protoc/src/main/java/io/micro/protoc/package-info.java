/**
 * {@code micro-protoc}: a protoc plugin that generates, for every service of a {@code .proto} file,
 * a typed client over {@code io.micro.client.Client} ({@code <Service>Client}) and a handler
 * interface to implement and serve ({@code <Service>Handler}), as protoc-gen-micro does for Go.
 *
 * <p>{@link io.micro.protoc.MicroProtoc} is the entry point: it reads a {@code
 * CodeGeneratorRequest} from standard input and writes a {@code CodeGeneratorResponse} to standard
 * output. See {@code docs/codegen.md} for the Maven set-up and the generated API.
 */
@NullMarked
package io.micro.protoc;

import org.jspecify.annotations.NullMarked;
