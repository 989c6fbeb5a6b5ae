/**
 * {@code micro demo}: a whole local environment in one process (the greeter service, the web
 * dashboard, and the API gateway and sidecar when they are part of the build), each started as a
 * {@link io.micro.toolkit.demo.Component}.
 */
@NullMarked
package io.micro.toolkit.demo;

import org.jspecify.annotations.NullMarked;
