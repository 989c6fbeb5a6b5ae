/**
 * The toolkit's one error type, {@link io.micro.errors.MicroException}: go-micro's
 * {@code {id, code, detail, status}}, which crosses the wire unchanged as JSON in the
 * {@code Micro-Error} header or in a legacy envelope.
 */
@NullMarked
package io.micro.errors;

import org.jspecify.annotations.NullMarked;
