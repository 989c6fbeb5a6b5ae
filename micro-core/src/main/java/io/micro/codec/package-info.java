/**
 * Message body encodings chosen by {@code Content-Type}: a {@link io.micro.codec.Codec} turns a body
 * into bytes and back ({@code application/json}, {@code application/protobuf},
 * {@code application/octet-stream}), and an {@link io.micro.codec.Envelope} wraps a body in one of
 * go-micro's legacy RPC envelopes (JSON-RPC, proto-RPC netstrings) for peers that send no
 * {@code Micro-*} routing headers. {@link io.micro.codec.Codecs} is the lookup table servers and
 * clients share; {@link io.micro.codec.Codecs#standard()} holds the go-micro defaults.
 */
@NullMarked
package io.micro.codec;

import org.jspecify.annotations.NullMarked;
