package io.micro.transport.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.transport.Transport;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportProviderTest {

  @Test
  void httpAndMemoryAreFoundByName() {
    Map<String, TransportProvider> byName = new TreeMap<>();
    ServiceLoader.load(TransportProvider.class).forEach(p -> byName.put(p.name(), p));
    assertThat(byName).containsOnlyKeys("http", "memory");
    for (TransportProvider p : byName.values()) {
      try (Transport t = p.create(TransportProvider.Config.DEFAULT)) {
        assertThat(t.name()).isEqualTo(p.name());
      }
    }
  }
}
