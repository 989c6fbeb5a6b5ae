package io.micro.examples.greeter.polyglot;

/** The Python greeter (examples/greeter/python) with the machine's {@code python3}. */
class PythonGreeterIT extends GreeterInOtherLanguagesIT {
  PythonGreeterIT() {
    super("python", "python3", "python3", ".py");
  }
}
