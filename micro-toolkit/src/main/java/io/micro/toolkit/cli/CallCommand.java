package io.micro.toolkit.cli;

import io.micro.errors.MicroException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code micro call NAME ENDPOINT [JSON]} (alias {@code query}): calls a service with a JSON
 * request and prints the response indented with tabs, as micro does ({@code --output json}: on one
 * line). A failed call prints the error JSON on stderr and exits with status 1.
 */
@Command(name = "call", aliases = "query", mixinStandardHelpOptions = true,
    description = {"Call a service, e.g.", "  micro call go.micro.srv.greeter Say.Hello '{\"name\": \"John\"}'"})
public final class CallCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service, e.g. go.micro.srv.greeter")
  String service = "";

  @Parameters(index = "1", paramLabel = "ENDPOINT", description = "Handler.Method, e.g. Say.Hello")
  String endpoint = "";

  @Parameters(index = "2..*", paramLabel = "JSON", arity = "0..*",
      description = "the request; read from stdin when omitted or '-' ({} when stdin is a terminal)")
  List<String> json = new ArrayList<>();

  @Option(names = {"--metadata", "-m"}, paramLabel = "KEY=VALUE",
      description = "metadata sent with the call, repeatable")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "call this node instead of discovering one [$MICRO_ADDRESS]")
  @Nullable String address;

  @Override
  public Integer call() {
    byte[] request = Json.check("request", jsonArgument(json));
    String to = address != null ? address : System.getenv("MICRO_ADDRESS");
    byte[] response;
    try {
      response = backend().call(service, endpoint, request, metadata,
          to == null || to.isBlank() ? null : to.strip());
    } catch (MicroException e) {
      return failed(e);
    }
    printResponse(response);
    return 0;
  }
}
