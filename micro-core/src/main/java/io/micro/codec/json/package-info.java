/**
 * The {@code application/json} codec: Jackson for records and plain Java objects, protobuf's
 * {@code JsonFormat} for generated protobuf messages, written the way go-micro writes JSON (proto
 * field names kept, defaults omitted, a trailing newline) and read tolerantly (unknown fields
 * ignored, camelCase and snake_case names both accepted), with bounded nesting depth and string
 * length.
 */
@NullMarked
package io.micro.codec.json;

import org.jspecify.annotations.NullMarked;
