package io.micro.client;

import io.micro.errors.MicroException;
import io.micro.grpc.GrpcMessageReader;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The errors the client raises itself, all with id {@value RetryPolicy#CLIENT_ID}. */
final class ClientErrors {
  private ClientErrors() {}

  /** A 500 connection error for {@code address}, recording {@code cause}. */
  static MicroException connection(String address, Throwable cause) {
    Throwable c = unwrap(cause);
    if (RetryPolicy.isConnectionError(c)) {
      return (MicroException) c;
    }
    String why = c instanceof MicroException me ? me.detail() : describe(c);
    return MicroException.internalServerError(
            RetryPolicy.CLIENT_ID, "%s%s: %s", RetryPolicy.CONNECTION_ERROR, address, why)
        .withCause(c);
  }

  /** The error for a gRPC message prefix the reader refused, from {@code where} (e.g. "grpc reply from HOST"). */
  static MicroException badPrefix(GrpcMessageReader.BadPrefix e, String where) {
    return e.tooLarge()
        ? MicroException.tooLarge(RetryPolicy.CLIENT_ID, "%s: %s", where, e.getMessage())
        : MicroException.internalServerError(RetryPolicy.CLIENT_ID, "%s: %s, no compression asked for",
            where, e.getMessage());
  }

  /** The 408 raised when the whole call ran out of time. */
  static MicroException callTimeout(Duration budget) {
    return MicroException.timeout(
        RetryPolicy.CLIENT_ID,
        "call timeout: context deadline exceeded (request timeout: %d ms)",
        budget.toMillis());
  }

  /** Any failure as a {@link MicroException}: micro errors stay as they are, others become 500. */
  static MicroException toMicro(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof MicroException me ? me : MicroException.from(RetryPolicy.CLIENT_ID, c);
  }

  /** Strips the {@link CompletionException}/{@link ExecutionException} layers of futures. */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
