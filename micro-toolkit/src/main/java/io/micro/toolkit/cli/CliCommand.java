package io.micro.toolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.errors.MicroException;
import io.micro.registry.Node;
import io.micro.registry.Service;
import io.micro.toolkit.Micro;
import io.micro.toolkit.Output;
import io.micro.toolkit.Toolkit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every CLI command shares: the toolkit, the backend, the streams and the output format. */
abstract class CliCommand implements Callable<Integer> {
  /** The largest JSON argument read from stdin. */
  static final int MAX_INPUT = 4 * 1024 * 1024;

  @Spec CommandSpec spec;

  final Toolkit toolkit() {
    return Micro.toolkit(spec);
  }

  final Backend backend() {
    return Backend.of(toolkit());
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  final boolean json() {
    return toolkit().output() == Output.JSON;
  }

  /** Prints {@code ok}, or {@code {"status":"ok"}} with {@code --output json}. */
  final int ok() {
    out().println(json() ? "{\"status\":\"ok\"}" : "ok");
    out().flush();
    return 0;
  }

  /**
   * Prints a response: tab-indented as Go's {@code json.MarshalIndent} does, or on one line with
   * {@code --output json}; text that is not JSON as it is.
   */
  final void printResponse(byte[] response) {
    String text = new String(response, StandardCharsets.UTF_8).strip();
    if (!json()) {
      out().println(Json.indent(response));
    } else {
      out().println(text.isEmpty() ? "{}" : Json.compactOrRaw(text));
    }
    out().flush();
  }

  /** Prints a failed call's error JSON on stderr; exit status 1. */
  final int failed(MicroException e) {
    err().println(e.toJson());
    err().flush();
    return 1;
  }

  /** Says plainly that {@code name} is not registered; exit status 1. */
  /** What a per-node command does for one node: fills the JSON row and the text line. */
  interface NodeProbe {
    /** Returns false when the node failed (the command then exits with 1). */
    boolean probe(Backend backend, Node node, ObjectNode row, List<String> lines);
  }

  /**
   * Runs {@code probe} on every node of every version of {@code name} and prints micro's table
   * ({@code service}, then per version {@code header} and one line per node) or, with
   * {@code --output json}, the rows (each with version, node and address). Exits 0 when every
   * probe succeeded, 1 otherwise, and as {@link #notFound} when there is no such service.
   */
  final int perNode(String name, String header, NodeProbe probe) {
    Backend backend = backend();
    List<Service> versions = backend.getService(name);
    if (versions.isEmpty()) {
      return notFound(name);
    }
    List<String> lines = new ArrayList<>();
    lines.add("service  " + name);
    ArrayNode rows = Json.MAPPER.createArrayNode();
    boolean all = true;
    for (Service s : versions) {
      lines.add("\nversion " + s.version());
      lines.add("\n" + header);
      for (Node n : s.nodes()) {
        ObjectNode row = rows.addObject();
        row.put("version", s.version());
        row.put("node", n.id());
        row.put("address", n.address());
        all &= probe.probe(backend, n, row, lines);
      }
    }
    out().println(json() ? Json.compact(rows) : String.join("\n", lines));
    out().flush();
    return all ? 0 : 1;
  }

  final int notFound(String name) {
    err().println("micro: service " + name + " not found");
    err().flush();
    return 1;
  }

  /**
   * The JSON given as arguments (joined by spaces, as micro does), or read from stdin when there
   * are none or the only one is {@code -}; {@code {}} when stdin is a terminal or empty.
   */
  static String jsonArgument(List<String> args) {
    if (!args.isEmpty() && !(args.size() == 1 && args.get(0).equals("-"))) {
      return String.join(" ", args);
    }
    if (args.isEmpty() && System.console() != null) {
      return "{}";
    }
    String text = readBounded(System.in);
    return text.isBlank() ? "{}" : text;
  }

  private static String readBounded(InputStream in) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        buf.write(chunk, 0, n);
        if (buf.size() > MAX_INPUT) {
          throw new Json.BadInput("stdin: more than " + MAX_INPUT + " bytes (expected: one JSON value)");
        }
      }
      return buf.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("stdin: " + e.getMessage(), e);
    }
  }
}
