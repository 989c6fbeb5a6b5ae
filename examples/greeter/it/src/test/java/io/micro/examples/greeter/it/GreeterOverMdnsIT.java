package io.micro.examples.greeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The greeter server and client as two separate JVMs that find each other over mDNS on loopback,
 * exactly as the README runs them.
 */
class GreeterOverMdnsIT {

  @Test
  void clientFindsTheServerOverMdnsAndPrintsHelloJohn() throws Exception {
    int port = JavaProcess.freePort();
    try (JavaProcess server = JavaProcess.start("mdns-server", "greeter.server.jar",
        "--server_address=127.0.0.1:" + port, "--registry=mdns").awaitPort(port)) {
      JavaProcess client = JavaProcess.start("mdns-client", "greeter.client.jar", "--registry=mdns");

      int status = client.awaitExit();

      assertThat(status).as("client exit status\n%s\n%s", client.output(), server.output()).isZero();
      assertThat(client.stdout().lines()).as(client.output()).contains("Hello John");
    }
  }

  @Test
  void clientWithNoServerRunningExitsNonZeroNamingTheError() throws Exception {
    JavaProcess client = JavaProcess.start("no-server-client", "greeter.client.jar", "--registry=mdns");

    int status = client.awaitExit();

    assertThat(status).as(client.output()).isNotZero();
    assertThat(client.stdout()).as(client.output()).doesNotContain("Hello John");
    assertThat(client.stderr()).as(client.output()).contains("go.micro.srv.greeter");
  }
}
