package io.micro.toolkit.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The TLS of a listener ({@code --enable_tls --tls_cert_file --tls_key_file
 * [--tls_client_ca_file]}): a PEM certificate chain and PKCS#8 PEM key, and optionally the CA
 * whose client certificates are required (mutual TLS).
 *
 * @param certFile the PEM certificate chain
 * @param keyFile the PEM private key (PKCS#8)
 * @param clientCaFile when set, clients must present a certificate signed by this CA
 */
public record Tls(Path certFile, Path keyFile, @Nullable Path clientCaFile) {

  /**
   * Checks the files exist; fails with micro's message when cert or key is missing.
   *
   * @throws IllegalArgumentException naming the missing file
   */
  public Tls {
    if (certFile == null || keyFile == null
        || certFile.toString().isBlank() || keyFile.toString().isBlank()) {
      throw new IllegalArgumentException("TLS certificate and key files not specified");
    }
    for (Path p : clientCaFile == null ? new Path[] {certFile, keyFile} : new Path[] {certFile, keyFile, clientCaFile}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " does not exist or is not readable");
      }
    }
  }

  /** From the flag values; blank cert or key fails, blank client CA means none. */
  public static Tls of(String certFile, String keyFile, String clientCaFile) {
    if (certFile.isBlank() || keyFile.isBlank()) {
      throw new IllegalArgumentException("TLS certificate and key files not specified");
    }
    return new Tls(Path.of(certFile), Path.of(keyFile), clientCaFile.isBlank() ? null : Path.of(clientCaFile));
  }

  /** The server's SSL context; fails naming the file that cannot be read. */
  SslContext serverContext() {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile());
      if (clientCaFile != null) {
        b.trustManager(new File(clientCaFile.toString())).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TLS: cannot load certificate " + certFile + " and key " + keyFile + ": " + e.getMessage(), e);
    }
  }
}
