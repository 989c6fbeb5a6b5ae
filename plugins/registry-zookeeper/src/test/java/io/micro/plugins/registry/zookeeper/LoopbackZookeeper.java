package io.micro.plugins.registry.zookeeper;

import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** An in-JVM ZooKeeper listening on 127.0.0.1 only (never the default, which binds every interface). */
final class LoopbackZookeeper {
  private LoopbackZookeeper() {}

  static TestingServer start() throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1,
        Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    return new TestingServer(spec, true);
  }
}
