/**
 * {@code micro api}: the API gateway ({@link io.micro.toolkit.api.ApiGateway}, subcommand {@link
 * io.micro.toolkit.api.ApiCommand}). HTTP requests are resolved to a service and endpoint by path
 * ({@link io.micro.toolkit.api.Resolver}) and served by one of micro's handlers: {@code rpc},
 * {@code api}, {@code http}/{@code proxy}, {@code web} and {@code event}; plus {@code /rpc} and
 * {@code /stats} when enabled.
 */
@NullMarked
package io.micro.toolkit.api;

import org.jspecify.annotations.NullMarked;
