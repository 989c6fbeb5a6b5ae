package io.micro.toolkit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code micro publish TOPIC JSON}: publishes a JSON message through the broker. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish a message to a topic, e.g.", "  micro publish go.micro.srv.greeter.topic '{\"say\": \"hello\"}'"})
public final class PublishCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic")
  String topic = "";

  @Parameters(index = "1..*", paramLabel = "JSON", arity = "0..*",
      description = "the message; read from stdin when omitted or '-'")
  List<String> json = new ArrayList<>();

  @Option(names = {"--metadata", "-m"}, paramLabel = "KEY=VALUE",
      description = "headers sent with the message, repeatable")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Override
  public Integer call() {
    if (topic.isBlank()) {
      throw new Json.BadInput("topic: '' (expected: a topic name)");
    }
    byte[] message = Json.check("message", jsonArgument(json));
    backend().publish(topic, message, metadata);
    return ok();
  }
}
