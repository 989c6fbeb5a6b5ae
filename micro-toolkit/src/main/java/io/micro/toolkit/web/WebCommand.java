package io.micro.toolkit.web;

import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.TlsOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code micro web}: runs the dashboard and the web app proxy until SIGINT or SIGTERM.
 *
 * <p>The standard flags ({@code --registry}, {@code --registry_address}, {@code --selector},
 * {@code --client_request_timeout}, ... and their {@code MICRO_*} variables) choose the registry
 * and client it uses.
 */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = "Run the web dashboard and the reverse proxy to web apps (go.micro.web.NAME at /NAME/).")
public final class WebCommand implements Callable<Integer> {

  @Option(names = "--web_address", paramLabel = "HOST:PORT",
      defaultValue = "${env:MICRO_WEB_ADDRESS:-127.0.0.1:8082}",
      description = "Where to listen (env MICRO_WEB_ADDRESS); default ${DEFAULT-VALUE}. :PORT listens on every interface.")
  String address = "127.0.0.1:8082";

  @Option(names = "--web_namespace", paramLabel = "NAMESPACE",
      defaultValue = "${env:MICRO_WEB_NAMESPACE:-go.micro.web}",
      description = "Namespace of web apps (env MICRO_WEB_NAMESPACE); default ${DEFAULT-VALUE}.")
  String namespace = "go.micro.web";

  @Option(names = "--enable_stats", defaultValue = "${env:MICRO_ENABLE_STATS:-false}",
      description = "Serve /stats (env MICRO_ENABLE_STATS).")
  boolean stats;

  @Option(names = "--web_cors", paramLabel = "ORIGINS", defaultValue = "${env:MICRO_WEB_CORS:-none}",
      description = "Origins allowed to call the dashboard from other sites, comma-separated, * for any, none for no CORS headers (env MICRO_WEB_CORS); default ${DEFAULT-VALUE}.")
  String cors = "none";

  @Mixin TlsOptions tls = new TlsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Toolkit toolkit = Micro.toolkit(spec);
    WebServer web = WebServer.builder(toolkit.registry(), toolkit.selector(), toolkit.client())
        .address(address).namespace(namespace).enableStats(stats)
        .cors(cors.equalsIgnoreCase("none") ? Cors.disabled() : Cors.parse(cors)).tls(tls.tls())
        .register("go.micro.web").build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      web.close();
      stopped.countDown();
    }, "micro-web-shutdown"));
    spec.commandLine().getOut().println("micro web: dashboard at " + web.url() + " (registry "
        + toolkit.registry().name() + "); web app " + namespace + ".NAME at " + web.url() + "/NAME/");
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
