package io.micro.toolkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code micro sidecar}'s flags: usage errors name the flag and exit 2 before anything starts. */
class SidecarCommandTest {

  private record Run(int status, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void nameWithoutAddressIsAUsageError() {
    Run r = run("--registry=memory", "sidecar", "--server_name=go.micro.srv.app");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Require server address");
  }

  @Test
  void addressWithoutNameIsAUsageError() {
    Run r = run("sidecar", "--server_address=127.0.0.1:4000");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Require server name");
  }

  @Test
  void healthUrlNeedsAnApp() {
    Run r = run("sidecar", "--healthcheck_url=http://127.0.0.1:4000/health");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--healthcheck_url needs --server_name and --server_address");
  }

  @Test
  void tlsWithoutFilesSaysSo() {
    Run r = run("sidecar", "--enable_tls");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("TLS certificate and key files not specified");
  }

  @Test
  void badAddressAndIntervalNameTheFlag() {
    Run address = run("sidecar", "--sidecar_address=nowhere");
    Run interval = run("sidecar", "--server_name=a", "--server_address=127.0.0.1:1",
        "--healthcheck_interval=often");

    assertThat(address.status()).isEqualTo(2);
    assertThat(address.err()).contains("sidecar_address").contains("nowhere");
    assertThat(interval.status()).isEqualTo(2);
    assertThat(interval.err()).contains("--healthcheck_interval").contains("often");
  }

  @Test
  void helpListsTheSidecarFlags() {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));

    assertThat(cl.execute("sidecar", "--help")).isZero();
    assertThat(out.toString()).contains("--sidecar_address", "--sidecar_cors", "--server_name",
        "--healthcheck_url", "--enable_tls", "--tls_cert_file", "--registry");
  }
}
