package io.micro.toolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.micro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code micro stats NAME}: calls {@code Debug.Stats} on every node of a service and prints when it
 * started, its uptime, memory in use, threads and total GC time, plus the calls it served and
 * failed when the server reports them. Exits with status 1 when a node did not answer.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Print the statistics of every node of a service (Debug.Stats).")
public final class StatsCommand extends CliCommand {
  private static final DateTimeFormatter STARTED =
      DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH).withZone(ZoneId.systemDefault());

  @Parameters(index = "0", paramLabel = "NAME", description = "the service")
  String name = "";

  @Override
  public Integer call() {
    return perNode(name, "node\t\taddress:port\t\tstarted\tuptime\tmemory\tthreads\tgc\trequests\terrors",
        (backend, n, row, lines) -> {
          try {
            byte[] rsp = backend.call(name, "Debug.Stats", "{}".getBytes(StandardCharsets.UTF_8), Map.of(), n.address());
            JsonNode st = Json.MAPPER.readTree(rsp);
            row.set("stats", st);
            lines.add(n.id() + "\t\t" + n.address() + "\t\t" + text(st));
            return true;
          } catch (MicroException e) {
            row.set("error", Json.MAPPER.valueToTree(Map.of("id", e.id(), "code", e.code(), "detail", e.detail())));
            lines.add(n.id() + "\t\t" + n.address() + "\t\t" + e.getMessage());
            return false;
          } catch (java.io.IOException e) {
            row.put("error", "not JSON: " + e.getMessage());
            lines.add(n.id() + "\t\t" + n.address() + "\t\tnot JSON: " + e.getMessage());
            return false;
          }
        });
  }

  /** One row: started, uptime, memory in MB, threads, GC time, requests, errors. */
  static String text(JsonNode st) {
    String started = STARTED.format(Instant.ofEpochSecond(st.path("started").asLong()));
    String uptime = Durations.go(Duration.ofSeconds(st.path("uptime").asLong()));
    String memory = String.format(Locale.ROOT, "%.2fmb", st.path("memory").asLong() / (1024.0 * 1024.0));
    String gc = Durations.go(Duration.ofNanos(st.path("gc").asLong()));
    return started + "\t" + uptime + "\t" + memory + "\t" + st.path("threads").asLong() + "\t" + gc
        + "\t" + st.path("requests").asText("-") + "\t" + st.path("errors").asText("-");
  }
}
