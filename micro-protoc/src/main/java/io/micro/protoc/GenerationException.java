package io.micro.protoc;

/** Input the plugin cannot generate code for; its message goes to the response's error field. */
final class GenerationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  GenerationException(String message) {
    super(message);
  }
}
