package io.micro.toolkit.api;

import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.TlsOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code micro api}: runs the {@link ApiGateway} until interrupted. */
@Command(name = "api", mixinStandardHelpOptions = true,
    description = "Run the API gateway: HTTP to RPC (rpc, api), reverse proxy (http, proxy, web) or events (event).")
public final class ApiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(names = "--api_address", defaultValue = "${env:MICRO_API_ADDRESS:-127.0.0.1:8080}", paramLabel = "HOST:PORT",
      description = "address to listen on; :8080 for every interface [$MICRO_API_ADDRESS]")
  String address;

  @Option(names = "--api_namespace", defaultValue = "${env:MICRO_API_NAMESPACE:-go.micro.api}", paramLabel = "NS",
      description = "namespace of the services the gateway calls [$MICRO_API_NAMESPACE]")
  String namespace;

  @Option(names = "--api_handler", defaultValue = "${env:MICRO_API_HANDLER:-rpc}", paramLabel = "NAME",
      description = "rpc (default), api, http, proxy, web or event [$MICRO_API_HANDLER]")
  String handler;

  @Option(names = "--api_resolver", defaultValue = "${env:MICRO_API_RESOLVER:-micro}", paramLabel = "NAME",
      description = "micro (default), host, path, vpath or grpc [$MICRO_API_RESOLVER]")
  String resolver;

  @Option(names = "--api_cors", defaultValue = "${env:MICRO_API_CORS:-*}", paramLabel = "ORIGINS",
      description = "comma-separated allowed origins, * for any; 'none' disables CORS [$MICRO_API_CORS]")
  String cors;

  @Option(names = "--enable_rpc", defaultValue = "${env:MICRO_API_ENABLE_RPC:-false}",
      description = "serve /rpc, which calls any service by name [$MICRO_API_ENABLE_RPC]")
  boolean enableRpc;

  @Option(names = "--enable_stats", defaultValue = "${env:MICRO_ENABLE_STATS:-false}",
      description = "serve /stats [$MICRO_ENABLE_STATS]")
  boolean enableStats;

  @Option(names = "--api_timeout", defaultValue = "${env:MICRO_API_TIMEOUT:-}", paramLabel = "DURATION",
      description = "deadline of one call, e.g. 10s (default: --client_request_timeout, else 30s) [$MICRO_API_TIMEOUT]")
  String timeout;

  /** A client like the toolkit's (same transport and client flags); the gateway adds its selector. */
  private static io.micro.client.Client.Builder clientBuilder(Toolkit toolkit) {
    io.micro.cmd.Options o = toolkit.options();
    io.micro.client.Client.Builder cb = io.micro.client.Client.builder().transport(toolkit.transport());
    if (o.clientRetries() != null) {
      cb.retries(o.clientRetries());
    }
    if (o.clientRequestTimeout() != null) {
      cb.requestTimeout(o.clientRequestTimeout());
    }
    if (o.clientPoolSize() != null) {
      cb.poolSize(o.clientPoolSize());
    }
    if (o.clientPoolTtl() != null) {
      cb.poolTtl(o.clientPoolTtl());
    }
    return cb;
  }

  @Override
  public Integer call() throws Exception {
    Toolkit toolkit = Micro.toolkit(spec);
    Duration t = !timeout.isBlank() ? io.micro.cmd.Options.builder().set("client_request_timeout", timeout).build().clientRequestTimeout()
        : toolkit.options().clientRequestTimeout() != null ? toolkit.options().clientRequestTimeout()
        : Duration.ofSeconds(30);
    ApiGateway.Builder b = ApiGateway.builder()
        .address(address)
        .namespace(namespace)
        .handler(handler)
        .resolver(resolver)
        .cors(cors.equalsIgnoreCase("none") ? Cors.disabled() : Cors.parse(cors))
        .tls(tls.tls())
        .enableRpc(enableRpc)
        .enableStats(enableStats)
        .timeout(t)
        .client(clientBuilder(toolkit))
        .selector(toolkit.selector())
        .broker(toolkit::broker);
    CountDownLatch stopped = new CountDownLatch(1);
    try (ApiGateway gateway = b.build().start()) {
      Thread hook = new Thread(stopped::countDown, "micro-api-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      spec.commandLine().getErr().println("micro api listening on " + gateway.url());
      stopped.await();
    }
    return 0;
  }
}
