package io.micro.toolkit.sidecar;

import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.http.Cors;
import io.micro.toolkit.http.Tls;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code micro sidecar}: runs a {@link Sidecar} with the registry, client and broker of the global
 * flags until SIGTERM or SIGINT, then deregisters the app and exits 0.
 *
 * <p>Flags (each with its {@code MICRO_*} variable): {@code --sidecar_address} (default
 * {@code 127.0.0.1:8081}), {@code --sidecar_cors} (allowed origins, default {@code *}),
 * {@code --server_name}, {@code --server_address}, {@code --healthcheck_url},
 * {@code --healthcheck_interval} (default 30 s), {@code --enable_tls}, {@code --tls_cert_file},
 * {@code --tls_key_file}, {@code --tls_client_ca_file}. Name and address go together; a health URL
 * needs them.
 */
@Command(
    name = "sidecar",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    description = {
        "Runs the sidecar: go-micro's registry, RPC and broker over HTTP for apps in any language.",
        "  GET/POST/DELETE /registry, POST /rpc, GET /broker?topic=T (websocket), GET /health",
        "With --server_name and --server_address it also registers your app while its"
            + " --healthcheck_url answers 2xx."})
public final class SidecarCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--sidecar_address", paramLabel = "HOST:PORT", order = 1,
      defaultValue = "${env:MICRO_SIDECAR_ADDRESS:-127.0.0.1:8081}",
      description = "Where to listen (default ${DEFAULT-VALUE}; :8081 = every interface). $MICRO_SIDECAR_ADDRESS")
  String address = "127.0.0.1:8081";

  @Option(names = "--sidecar_cors", paramLabel = "ORIGIN,...", order = 2,
      defaultValue = "${env:MICRO_SIDECAR_CORS:-*}",
      description = "Origins browsers may call from, comma-separated (default *). $MICRO_SIDECAR_CORS")
  String cors = "*";

  @Option(names = "--server_name", paramLabel = "NAME", order = 3,
      defaultValue = "${env:MICRO_SIDECAR_SERVER_NAME}",
      description = "Your app's service name, to register it. $MICRO_SIDECAR_SERVER_NAME")
  @Nullable String serverName;

  @Option(names = "--server_address", paramLabel = "HOST:PORT", order = 4,
      defaultValue = "${env:MICRO_SIDECAR_SERVER_ADDRESS}",
      description = "Your app's address. $MICRO_SIDECAR_SERVER_ADDRESS")
  @Nullable String serverAddress;

  @Option(names = "--healthcheck_url", paramLabel = "URL", order = 5,
      defaultValue = "${env:MICRO_SIDECAR_HEALTHCHECK_URL}",
      description = "Polled with GET; your app stays registered while it answers 2xx."
          + " $MICRO_SIDECAR_HEALTHCHECK_URL")
  @Nullable String healthcheckUrl;

  @Option(names = "--healthcheck_interval", paramLabel = "DURATION", order = 6,
      defaultValue = "${env:MICRO_SIDECAR_HEALTHCHECK_INTERVAL:-30s}",
      description = "Between health checks (default 30s). $MICRO_SIDECAR_HEALTHCHECK_INTERVAL")
  String healthcheckInterval = "30s";

  @Option(names = "--enable_tls", order = 7, defaultValue = "${env:MICRO_ENABLE_TLS:-false}",
      fallbackValue = "true", arity = "0..1",
      description = "Serve HTTPS and wss://. $MICRO_ENABLE_TLS")
  boolean enableTls;

  @Option(names = "--tls_cert_file", paramLabel = "FILE", order = 8,
      defaultValue = "${env:MICRO_TLS_CERT_FILE:-}",
      description = "PEM certificate chain. $MICRO_TLS_CERT_FILE")
  String tlsCertFile = "";

  @Option(names = "--tls_key_file", paramLabel = "FILE", order = 9,
      defaultValue = "${env:MICRO_TLS_KEY_FILE:-}",
      description = "PEM (PKCS#8) private key. $MICRO_TLS_KEY_FILE")
  String tlsKeyFile = "";

  @Option(names = "--tls_client_ca_file", paramLabel = "FILE", order = 10,
      defaultValue = "${env:MICRO_TLS_CLIENT_CA_FILE:-}",
      description = "Require client certificates signed by this PEM CA. $MICRO_TLS_CLIENT_CA_FILE")
  String tlsClientCaFile = "";

  /** Starts the sidecar and blocks until the process is asked to stop. */
  @Override
  public Integer call() throws InterruptedException {
    Sidecar.Builder builder = builder();
    Toolkit toolkit = Micro.toolkit(spec);
    Sidecar car = builder.registry(toolkit.registry()).client(toolkit.client())
        .broker(toolkit.broker()).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      car.close();
      stopped.countDown();
      try {
        finished.await(10, TimeUnit.SECONDS); // let the command close the toolkit before the JVM halts
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "micro-sidecar-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("sidecar listening on " + car.url() + " (registry " + toolkit.registry().name()
        + ", broker " + toolkit.broker().name() + ")");
    out.flush();
    try {
      stopped.await();
    } finally {
      toolkit.close();
      finished.countDown();
    }
    return 0;
  }

  /** The sidecar's settings from the flags; a usage error names the flag that is wrong. */
  Sidecar.Builder builder() {
    Sidecar.Builder b = Sidecar.builder();
    try {
      b.address(address.strip());
      b.cors(Cors.parse(cors));
      if (enableTls) {
        b.tls(Tls.of(tlsCertFile, tlsKeyFile, tlsClientCaFile));
      }
      App app = app();
      if (app != null) {
        b.app(app);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return b;
  }

  private @Nullable App app() {
    boolean name = serverName != null && !serverName.isBlank();
    boolean addr = serverAddress != null && !serverAddress.isBlank();
    boolean health = healthcheckUrl != null && !healthcheckUrl.isBlank();
    if (!name && !addr) {
      if (health) {
        throw new IllegalArgumentException("--healthcheck_url needs --server_name and --server_address");
      }
      return null;
    }
    if (!name) {
      throw new IllegalArgumentException("Require server name (--server_name, with --server_address "
          + serverAddress + ")");
    }
    if (!addr) {
      throw new IllegalArgumentException("Require server address (--server_address, with --server_name "
          + serverName + ")");
    }
    URI url = null;
    if (health) {
      try {
        url = URI.create(healthcheckUrl.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--healthcheck_url: '" + healthcheckUrl
            + "' (expected: an http:// URL): " + e.getMessage(), e);
      }
    }
    Duration interval;
    try {
      interval = Work.duration(healthcheckInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--healthcheck_interval: " + e.getMessage(), e);
    }
    Duration ttl = Micro.toolkit(spec).options().registerTtl();
    if (ttl == null) {
      ttl = interval.multipliedBy(3);
    }
    return new App(serverName.strip(), serverAddress.strip(), url, interval, ttl);
  }
}
