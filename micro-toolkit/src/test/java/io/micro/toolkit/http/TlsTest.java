package io.micro.toolkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate made by the JDK's keytool. */
class TlsTest {
  @TempDir Path dir;

  @Test
  void servesHttpsWithPemCertificateAndKey() throws Exception {
    Path p12 = dir.resolve("ks.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-keystore", p12.toString(),
        "-storetype", "PKCS12", "-storepass", "secret", "-keypass", "secret")
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(p12.toFile())) {
      ks.load(in, "secret".toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey("server", "secret".toCharArray());
    Certificate cert = ks.getCertificate("server");
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));

    try (HttpServer server = HttpServer.builder()
        .tls(Tls.of(certFile.toString(), keyFile.toString(), ""))
        .route("/hi", HttpHandler.sync(req -> HttpResponse.ok("text/plain", "secure=" + req.secure())))
        .build().start()) {
      assertThat(server.url()).startsWith("https://");
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", cert);
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      var r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url() + "/hi")).build(),
          BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("secure=true");
    }
  }

  @Test
  void missingFilesAreRefusedWithMicrosMessage() {
    assertThatThrownBy(() -> Tls.of("", "", "")).hasMessage("TLS certificate and key files not specified");
    assertThatThrownBy(() -> Tls.of(dir.resolve("nope.pem").toString(), dir.resolve("nope.key").toString(), ""))
        .hasMessageContaining("nope.pem");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
