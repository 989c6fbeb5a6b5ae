/**
 * The {@code application/octet-stream} codec: bodies are raw bytes handed to and taken from the
 * application unchanged.
 */
@NullMarked
package io.micro.codec.bytes;

import org.jspecify.annotations.NullMarked;
