package io.micro.toolkit.http;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The TLS flags of a toolkit listener, as a picocli mixin ({@code @Mixin TlsOptions tls}): {@code
 * --enable_tls}, {@code --tls_cert_file}, {@code --tls_key_file}, {@code --tls_client_ca_file},
 * each with its {@code MICRO_*} variable.
 */
public final class TlsOptions {
  @Option(names = "--enable_tls", defaultValue = "${env:MICRO_ENABLE_TLS:-false}",
      description = "serve HTTPS [$MICRO_ENABLE_TLS]")
  boolean enabled;

  @Option(names = "--tls_cert_file", defaultValue = "${env:MICRO_TLS_CERT_FILE:-}", paramLabel = "FILE",
      description = "PEM certificate chain [$MICRO_TLS_CERT_FILE]")
  String certFile = "";

  @Option(names = "--tls_key_file", defaultValue = "${env:MICRO_TLS_KEY_FILE:-}", paramLabel = "FILE",
      description = "PEM private key (PKCS#8) [$MICRO_TLS_KEY_FILE]")
  String keyFile = "";

  @Option(names = "--tls_client_ca_file", defaultValue = "${env:MICRO_TLS_CLIENT_CA_FILE:-}", paramLabel = "FILE",
      description = "require client certificates signed by this CA [$MICRO_TLS_CLIENT_CA_FILE]")
  String clientCaFile = "";

  /**
   * The TLS settings, or null when {@code --enable_tls} is off.
   *
   * @throws IllegalArgumentException "TLS certificate and key files not specified" or naming a
   *     missing file
   */
  public @Nullable Tls tls() {
    return enabled ? Tls.of(certFile, keyFile, clientCaFile) : null;
  }
}
