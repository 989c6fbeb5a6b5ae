/**
 * {@code micro web}: the web dashboard (web apps, registry, service details, a call form, an
 * in-browser CLI, stats) and the reverse proxy that serves {@code /NAME/...} from the web app
 * {@code go.micro.web.NAME}. {@link io.micro.toolkit.web.WebServer} is the component; {@link
 * io.micro.toolkit.web.WebCommand} its command line.
 */
@NullMarked
package io.micro.toolkit.web;

import org.jspecify.annotations.NullMarked;
