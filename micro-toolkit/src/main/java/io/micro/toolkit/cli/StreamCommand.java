package io.micro.toolkit.cli;

import io.micro.client.CallOptions;
import io.micro.client.ClientStream;
import io.micro.client.Request;
import io.micro.errors.MicroException;
import io.micro.metadata.Metadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code micro stream NAME ENDPOINT [JSON]}: opens a stream, sends the request, closes the sending
 * side and prints every message the server sends (each as {@code call} prints a response) until
 * the server ends the stream. An error ends it with the error JSON on stderr and status 1. The
 * stream's deadline is {@code --client_request_timeout}.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Stream from a service, e.g.", "  micro stream go.micro.srv.greeter Say.Stream '{\"name\": \"John\"}'"})
public final class StreamCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service")
  String service = "";

  @Parameters(index = "1", paramLabel = "ENDPOINT", description = "Handler.Method, e.g. Say.Stream")
  String endpoint = "";

  @Parameters(index = "2..*", paramLabel = "JSON", arity = "0..*",
      description = "the request; read from stdin when omitted or '-' ({} when stdin is a terminal)")
  List<String> json = new ArrayList<>();

  @Option(names = {"--metadata", "-m"}, paramLabel = "KEY=VALUE",
      description = "metadata sent with the stream, repeatable")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "stream from this node instead of discovering one [$MICRO_ADDRESS]")
  @Nullable String address;

  @Override
  public Integer call() {
    byte[] request = Json.check("request", jsonArgument(json));
    if (toolkit().proxyAddress().isPresent()) {
      throw new IllegalStateException("stream: not available through --proxy_address "
          + "(the sidecar's /rpc answers once; call the service directly)");
    }
    String to = address != null ? address : System.getenv("MICRO_ADDRESS");
    CallOptions options = to == null || to.isBlank()
        ? CallOptions.DEFAULT : CallOptions.DEFAULT.withAddress(to.strip());
    Request req = Request.json(service, endpoint, request).withMetadata(Metadata.of(metadata));
    try (ClientStream<Object, byte[]> stream = toolkit().client().serverStream(req, byte[].class, options)) {
      for (byte[] message = stream.receive(); message != null; message = stream.receive()) {
        printResponse(message);
      }
    } catch (MicroException e) {
      return failed(e);
    }
    return 0;
  }
}
