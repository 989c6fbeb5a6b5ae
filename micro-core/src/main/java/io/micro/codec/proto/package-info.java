/**
 * The {@code application/protobuf} codec: bodies are the binary protobuf encoding of generated
 * {@code com.google.protobuf.Message} types, parsed with each type's parser resolved once and
 * cached.
 */
@NullMarked
package io.micro.codec.proto;

import org.jspecify.annotations.NullMarked;
