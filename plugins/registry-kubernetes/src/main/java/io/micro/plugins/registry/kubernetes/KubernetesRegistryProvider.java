package io.micro.plugins.registry.kubernetes;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;

/**
 * Makes {@link KubernetesRegistry} selectable as {@code --registry=kubernetes}.
 *
 * <p>Settings: {@code --registry_address} (or {@code MICRO_REGISTRY_ADDRESS}) lists API server
 * URLs, e.g. {@code https://10.0.0.1:6443} (without a scheme {@code https://} is assumed), the first
 * one that answers being used; when empty, the in-cluster service account or the kubeconfig is used.
 * The namespace comes from the service account (or kubeconfig) and the pod name from {@code
 * HOSTNAME}. A positive lookup timeout becomes the API call timeout.
 */
public final class KubernetesRegistryProvider implements RegistryProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public KubernetesRegistryProvider() {}

  /** Returns {@code kubernetes}. */
  @Override
  public String name() {
    return "kubernetes";
  }

  /**
   * A connected {@link KubernetesRegistry}.
   *
   * @throws io.micro.errors.MicroException naming the API server(s) when none answers
   */
  @Override
  public Registry create(Config config) {
    KubernetesRegistry.Builder builder = KubernetesRegistry.builder();
    if (!config.addresses().isEmpty()) {
      builder.masterUrls(config.addresses());
    }
    if (config.timeout() != null && !config.timeout().isNegative() && !config.timeout().isZero()) {
      builder.timeout(config.timeout());
    }
    return builder.build();
  }
}
