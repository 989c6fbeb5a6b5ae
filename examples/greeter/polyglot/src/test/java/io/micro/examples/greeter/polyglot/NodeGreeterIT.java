package io.micro.examples.greeter.polyglot;

/** The Node.js greeter (examples/greeter/node) with the machine's {@code node}. */
class NodeGreeterIT extends GreeterInOtherLanguagesIT {
  NodeGreeterIT() {
    super("node", "node", "nodejs", ".js");
  }
}
