package io.micro.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.registry.Registry;
import io.micro.registry.spi.RegistryProvider;
import io.micro.selector.Selector;
import io.micro.selector.spi.SelectorProvider;
import io.micro.transport.Transport;
import io.micro.transport.spi.TransportProvider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginsTest {
  private final Plugins plugins = Plugins.load();

  @Test
  void builtInPluginsAreFoundByName() {
    assertThat(plugins.registries()).contains("memory");
    assertThat(plugins.transports()).contains("memory");
    assertThat(plugins.selectors()).contains("registry");

    try (Registry r = plugins.registry("memory", new RegistryProvider.Config(List.of(), Duration.ofSeconds(1)));
        Transport t = plugins.transport("MEMORY", TransportProvider.Config.DEFAULT)) {
      assertThat(r.name()).isEqualTo("memory");
      assertThat(t.name()).isEqualTo("memory");
      Selector s = plugins.selector("registry", new SelectorProvider.Config(r));
      s.close();
    }
  }

  @Test
  void anUnknownNameFailsListingTheAvailableOnes() {
    assertThatThrownBy(() -> plugins.registry("etcd3", new RegistryProvider.Config(List.of(), Duration.ofSeconds(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown registry 'etcd3' (available: ")
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> plugins.transport("quic", TransportProvider.Config.DEFAULT))
        .hasMessageStartingWith("unknown transport 'quic' (available: ");
  }
}
