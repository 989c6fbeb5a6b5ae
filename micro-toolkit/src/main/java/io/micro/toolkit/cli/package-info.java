/**
 * micro's command-line interface: {@code list services}, {@code get service}, {@code register
 * service}, {@code deregister service}, {@code call} (alias {@code query}), {@code stream},
 * {@code publish}, {@code health}, {@code stats} and {@code completion}. Each command talks to the
 * registry, client and broker of {@link io.micro.toolkit.Toolkit}, or over HTTP to a sidecar when
 * {@code --proxy_address} is given (see {@link io.micro.toolkit.cli.Backend}).
 */
@NullMarked
package io.micro.toolkit.cli;

import org.jspecify.annotations.NullMarked;
