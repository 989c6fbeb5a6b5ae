package io.micro.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.registry.Registry;
import io.micro.registry.memory.MemoryRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

class MicroTest {

  /** A subcommand that keeps the toolkit it was given. */
  @Command(name = "probe")
  static final class Probe implements Callable<Integer> {
    final AtomicReference<Toolkit> seen = new AtomicReference<>();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      seen.set(Micro.toolkit(spec));
      return 0;
    }
  }

  private static Toolkit run(Map<String, String> env, String... args) {
    Probe probe = new Probe();
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(env));
    cl.addSubcommand(new CommandLine(probe).addSubcommand(new CommandLine(new Probe())));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).as(err.toString()).isZero();
    return probe.seen.get();
  }

  @Test
  void globalFlagsWorkBeforeAndAfterTheSubcommandInGoStyle() {
    Toolkit before = run(Map.of(), "--registry=memory", "--client_retries=2", "probe");
    assertThat(before.options().registry()).isEqualTo("memory");
    assertThat(before.options().clientRetries()).isEqualTo(2);

    Toolkit after = run(Map.of(), "probe", "--registry", "memory", "--client_request_timeout=500ms",
        "--output=json", "--proxy_address=127.0.0.1:8081");
    assertThat(after.options().registry()).isEqualTo("memory");
    assertThat(after.options().clientRequestTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(after.output()).isEqualTo(Output.JSON);
    assertThat(after.proxyAddress()).contains("127.0.0.1:8081");
  }

  @Test
  void flagsWinOverVariables() {
    Toolkit t = run(Map.of("MICRO_REGISTRY", "etcd", "MICRO_BROKER", "nats", "MICRO_OUTPUT", "json"),
        "--registry=memory", "probe");
    assertThat(t.options().registry()).isEqualTo("memory");
    assertThat(t.options().broker()).isEqualTo("nats");
    assertThat(t.output()).isEqualTo(Output.JSON);
    assertThat(t.proxyAddress()).isEmpty();
  }

  @Test
  void theToolkitIsClosedWhenTheCommandReturns() {
    Toolkit t = run(Map.of(), "--registry=memory", "probe");
    try {
      t.registry();
      org.junit.jupiter.api.Assertions.fail("closed toolkit handed out a registry");
    } catch (IllegalStateException expected) {
      assertThat(expected).hasMessageContaining("closed");
    }
  }

  @Test
  void partsAreCreatedLazilyFromTheFlagsAndGivenPartsAreNotClosed() throws Exception {
    try (Registry given = MemoryRegistry.create()) {
      try (Toolkit t = Toolkit.builder().env(Map.of()).registry(given).build()) {
        assertThat(t.registry()).isSameAs(given);
        assertThat(t.selector().name()).isEqualTo("cache");
      }
      assertThat(given.listServices()).isEmpty();
    }
    try (Toolkit t = Toolkit.builder().env(Map.of()).flag("registry", "memory")
        .flag("selector", "registry").build()) {
      assertThat(t.registry().name()).isEqualTo("memory");
      assertThat(t.selector().name()).isEqualTo("registry");
    }
  }

  @Test
  void anInvalidFlagValueFailsNamingIt() {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()));
    cl.addSubcommand(new Probe());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--client_retries=many", "probe")).isEqualTo(1);
    assertThat(err.toString()).contains("client_retries: 'many'");

    StringWriter err2 = new StringWriter();
    CommandLine cl2 = Micro.commandLine(Toolkit.builder().env(Map.of()));
    cl2.addSubcommand(new Probe());
    cl2.setErr(new PrintWriter(err2));
    assertThat(cl2.execute("--registry=etcd3", "probe")).isZero(); // lazily: nothing created yet
    try (Toolkit t = Toolkit.builder().env(Map.of()).flag("registry", "etcd3").build()) {
      try {
        t.registry();
        org.junit.jupiter.api.Assertions.fail("unknown registry accepted");
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("unknown registry 'etcd3'").hasMessageContaining("mdns");
      }
    }
  }

  @Test
  void anUnknownFlagOrCommandSuggestsTheNearest() {
    CommandLine cl = Micro.commandLine(Toolkit.builder().env(Map.of()));
    cl.addSubcommand(new Probe());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--registri=mdns", "probe")).isEqualTo(2);
    assertThat(err.toString()).contains("--registri").contains("--registry");
  }

  @Test
  void theSidecarAloneDeclaresOnlyItselfAndAnythingElseDeclaresEveryCommand() {
    assertThat(Micro.subcommands(new String[] {"--registry=memory", "sidecar", "--sidecar_address=:0"}))
        .containsExactly(io.micro.toolkit.sidecar.SidecarCommand.class);
    assertThat(Micro.subcommands(new String[] {"sidecar", "--help"}))
        .containsExactly(io.micro.toolkit.sidecar.SidecarCommand.class);
    assertThat(Micro.subcommands(new String[] {"list", "services"})).isEqualTo(Micro.SUBCOMMANDS);
    assertThat(Micro.subcommands(new String[] {})).isEqualTo(Micro.SUBCOMMANDS);
    // another command named too (here an alias): every command, so picocli reports what is wrong
    assertThat(Micro.subcommands(new String[] {"sidecar", "ls"})).isEqualTo(Micro.SUBCOMMANDS);
    assertThat(Micro.subcommands(new String[] {"--", "sidecar"})).isEqualTo(Micro.SUBCOMMANDS);
  }
}
