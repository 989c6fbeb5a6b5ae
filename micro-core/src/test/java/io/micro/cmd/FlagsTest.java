package io.micro.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.server.ExecutionMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsTest {

  @Test
  void flagsAreReadInBothFormsWithGoMicroNames() {
    Options o = Flags.parse(new String[] {
        "--server_name=go.micro.srv.greeter", "--server_address", "127.0.0.1:8080",
        "--server_advertise=10.0.0.1:80", "--server_id", "abc", "--server_version=2",
        "--registry=memory", "--registry_address=127.0.0.1:2379,127.0.0.1:2380",
        "--transport", "http", "--selector=registry", "--register_ttl=30", "--register_interval", "15",
        "--client_retries=3", "--client_request_timeout=500ms", "--client_pool_size", "10",
        "--server_execution=direct", "run"}, Map.of());

    assertThat(o.serverName()).isEqualTo("go.micro.srv.greeter");
    assertThat(o.serverAddress()).isEqualTo("127.0.0.1:8080");
    assertThat(o.serverAdvertise()).isEqualTo("10.0.0.1:80");
    assertThat(o.serverId()).isEqualTo("abc");
    assertThat(o.serverVersion()).isEqualTo("2");
    assertThat(o.registry()).isEqualTo("memory");
    assertThat(o.registryAddress()).containsExactly("127.0.0.1:2379", "127.0.0.1:2380");
    assertThat(o.transport()).isEqualTo("http");
    assertThat(o.selector()).isEqualTo("registry");
    assertThat(o.registerTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.registerInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.clientRetries()).isEqualTo(3);
    assertThat(o.clientRequestTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.clientPoolSize()).isEqualTo(10);
    assertThat(o.serverExecution()).isEqualTo(ExecutionMode.DIRECT);
    assertThat(o.args()).containsExactly("run");
  }

  @Test
  void environmentIsReadAndFlagsWinOverIt() {
    Map<String, String> env = Map.of(
        "MICRO_REGISTRY", "mdns", "MICRO_SERVER_NAME", "from.env", "MICRO_REGISTER_TTL", "90",
        "MICRO_SERVER_METADATA", "a=1,b=2", "MICRO_API_ADDRESS", ":8080", "PATH", "/bin");

    Options o = Flags.parse(new String[] {"--server_name=from.flag"}, env);

    assertThat(o.serverName()).isEqualTo("from.flag");
    assertThat(o.registry()).isEqualTo("mdns");
    assertThat(o.registerTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.serverMetadata()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void metadataIsRepeatableOrCommaSeparated() {
    Options o = Flags.parse(new String[] {"--server_metadata=zone=eu,tier=gold", "--server_metadata", "x=y=z"}, Map.of());

    assertThat(o.serverMetadata()).containsExactly(
        Map.entry("zone", "eu"), Map.entry("tier", "gold"), Map.entry("x", "y=z"));
    assertThatThrownBy(() -> Flags.parse(new String[] {"--server_metadata=novalue"}, Map.of()))
        .hasMessage("server_metadata: 'novalue' (expected: key=value)");
  }

  @Test
  void durationsAreSecondsOrGoDurations() {
    assertThat(GoDuration.parse("f", "30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(GoDuration.parse("f", "1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("f", "5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(GoDuration.parse("f", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("f", "250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(GoDuration.parse("f", "2h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> Flags.parse(new String[] {"--client_request_timeout=5 parsecs"}, Map.of()))
        .hasMessageStartingWith("client_request_timeout: '5 parsecs' (expected: seconds such as 30");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--register_ttl=0"}, Map.of()))
        .hasMessage("register_ttl: PT0S (expected: > 0)");
  }

  @Test
  void unknownFlagIsAnErrorNamingItAndTheNearestKnownFlag() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--registy=mdns"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown flag --registy (did you mean --registry?)");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--server_adress", "x"}, Map.of()))
        .hasMessage("unknown flag --server_adress (did you mean --server_address?)");
  }

  @Test
  void aFlagWithoutItsValueIsAnError() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--registry"}, Map.of()))
        .hasMessageContaining("flag --registry: no value");
  }

  @Test
  void badValuesAreErrorsNamingTheFlagOrVariable() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--client_retries=-1"}, Map.of()))
        .hasMessage("client_retries: '-1' (expected: a whole number >= 0)");
    assertThatThrownBy(() -> Flags.parse(new String[0], Map.of("MICRO_CLIENT_POOL_SIZE", "many")))
        .hasMessage("MICRO_CLIENT_POOL_SIZE: client_pool_size: 'many' (expected: a whole number >= 0)");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--server_execution=turbo"}, Map.of()))
        .hasMessage("server_execution: 'turbo' (expected: auto, virtual, pool or direct)");
  }

  @Test
  void singleDashesDashedNamesAndDoubleDashWork() {
    Options o = Flags.parse(new String[] {"-server-name", "a", "--", "--registry=x"}, Map.of());

    assertThat(o.serverName()).isEqualTo("a");
    assertThat(o.registry()).isNull();
    assertThat(o.args()).containsExactly("--registry=x");
  }

  @Test
  void laterOptionsReplaceOnlyWhatTheyGive() {
    Options base = Options.builder().set("registry", "mdns").set("server_name", "a").build();
    Options over = Options.builder().set("server_name", "b").build();

    Options merged = base.overriddenBy(over);

    assertThat(merged.registry()).isEqualTo("mdns");
    assertThat(merged.serverName()).isEqualTo("b");
    assertThat(merged.toBuilder().build()).isEqualTo(merged);
    assertThat(Options.EMPTY.registryAddress()).isEqualTo(List.of());
  }

  @Test
  void usageListsEveryFlagWithItsVariable() {
    assertThat(Flags.usage()).contains("--register_ttl").contains("$MICRO_REGISTER_TTL")
        .contains("--server_execution");
  }
}
