package io.micro.protoc;

import io.micro.protoc.ServiceModel.Kind;
import io.micro.protoc.ServiceModel.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the two classes of one service: {@code <Service>Client}, a typed client over {@code
 * io.micro.client.Client}, and {@code <Service>Handler}, the interface a server implements, with
 * {@code register(Server, handler)}. The code names every type in full, so that message names such
 * as {@code Request} never clash with Micro's own.
 */
final class ServiceWriter {
  private static final String CLIENT = "io.micro.client.Client";
  private static final String CALL_OPTIONS = "io.micro.client.CallOptions";
  private static final String SERVER = "io.micro.server.Server";
  private static final String FUTURE = "java.util.concurrent.CompletableFuture";
  private static final String SENDER = "io.micro.stream.StreamSender";
  private static final String RECEIVER = "io.micro.stream.StreamReceiver";
  private static final String BIDI = "io.micro.stream.BidiStream";
  private static final String CLIENT_STREAM = "io.micro.client.ClientStream";
  private static final String ASYNC_STREAM = "io.micro.client.AsyncClientStream";
  private static final String OBSERVER = "io.micro.stream.StreamObserver";

  private ServiceWriter() {}

  /** The source of {@code <Service>Client}. */
  static String client(ServiceModel s) {
    SourceWriter w = header(s);
    List<String> doc = new ArrayList<>();
    doc.add("A typed client of the proto service {@code " + s.handlerName() + "}: each method calls the");
    doc.add("endpoint {@code " + s.handlerName() + ".<Method>} of a Micro or go-micro service over a");
    doc.add("{@link " + CLIENT + "}.");
    doc.add("");
    doc.addAll(paragraph(s.comment()));
    doc.add("<p>Requests are encoded with the client's content type ({@code application/json} by");
    doc.add("default, as go-micro's) unless the call options name another, such as {@code");
    doc.add("application/protobuf}. Instances are immutable and safe for concurrent use.");
    w.javadoc(doc);
    deprecated(w, s.deprecated());
    w.open("public final class " + s.clientClass() + " {");
    w.javadoc(List.of("The registry name this client calls unless told otherwise: {@code "
        + s.defaultService() + "}."));
    w.line("public static final java.lang.String SERVICE = \"" + s.defaultService() + "\";");
    w.line("");
    w.line("private final " + CLIENT + " client;");
    w.line("private final java.lang.String service;");
    w.line("private final " + CALL_OPTIONS + " options;");
    w.line("");
    w.open("private " + s.clientClass() + "(" + CLIENT + " client, java.lang.String service, "
        + CALL_OPTIONS + " options) {");
    w.line("this.client = java.util.Objects.requireNonNull(client, \"client\");");
    w.line("this.service = java.util.Objects.requireNonNull(service, \"service\");");
    w.open("if (service.isBlank()) {");
    w.line("throw new java.lang.IllegalArgumentException(");
    w.line("    \"service: '\" + service + \"' (expected: a service name, e.g. \" + SERVICE + \")\");");
    w.close("}");
    w.line("this.options = java.util.Objects.requireNonNull(options, \"options\");");
    w.close("}");
    w.line("");
    w.javadoc(List.of("A client of the service {@link #SERVICE} over {@code client}."));
    w.open("public static " + s.clientClass() + " create(" + CLIENT + " client) {");
    w.line("return new " + s.clientClass() + "(client, SERVICE, " + CALL_OPTIONS + ".DEFAULT);");
    w.close("}");
    w.line("");
    w.javadoc(List.of("A client of the service registered as {@code service} over {@code client}.",
        "",
        "@throws IllegalArgumentException when {@code service} is blank"));
    w.open("public static " + s.clientClass() + " create(" + CLIENT + " client, java.lang.String service) {");
    w.line("return new " + s.clientClass() + "(client, service, " + CALL_OPTIONS + ".DEFAULT);");
    w.close("}");
    w.line("");
    w.javadoc(List.of("A copy whose calls use {@code options} (timeouts, retries, metadata, address, ...)."));
    w.open("public " + s.clientClass() + " withOptions(" + CALL_OPTIONS + " options) {");
    w.line("return new " + s.clientClass() + "(client, service, options);");
    w.close("}");
    w.line("");
    w.javadoc(List.of("The registry name of the service this client calls."));
    w.open("public java.lang.String service() {");
    w.line("return service;");
    w.close("}");
    w.line("");
    w.javadoc(List.of("The options every call of this client uses."));
    w.open("public " + CALL_OPTIONS + " options() {");
    w.line("return options;");
    w.close("}");
    for (Method m : s.methods()) {
      w.line("");
      clientMethod(w, m);
    }
    if (s.methods().stream().anyMatch(m -> m.kind() != Kind.UNARY)) {
      w.line("");
      w.open("private <Req, Resp> " + CLIENT_STREAM + "<Req, Resp> open(java.lang.String endpoint, Req placeholder,"
          + " java.lang.Class<Resp> responseType) {");
      w.line("return client.stream(request(endpoint, placeholder), responseType, options);");
      w.close("}");
    }
    w.line("");
    w.open("private io.micro.client.Request request(java.lang.String endpoint, java.lang.Object body) {");
    w.line("return io.micro.client.Request.of(service, endpoint, body);");
    w.close("}");
    w.close("}");
    return w.toString();
  }

  private static void clientMethod(SourceWriter w, Method m) {
    List<String> doc = new ArrayList<>(m.comment());
    if (!doc.isEmpty()) {
      doc.add("");
    }
    switch (m.kind()) {
      case UNARY -> {
        doc.add("Calls {@code " + m.endpoint() + "} and waits for the reply.");
        doc.add("");
        doc.add("@throws io.micro.errors.MicroException the error of the call");
        w.javadoc(doc);
        deprecated(w, m.deprecated());
        w.open("public " + m.output() + " " + m.javaName() + "(" + m.input() + " request) {");
        w.line("return client.call(request(\"" + m.endpoint() + "\", request), " + m.output()
            + ".class, options);");
        w.close("}");
        w.line("");
        List<String> async = new ArrayList<>(m.comment());
        if (!async.isEmpty()) {
          async.add("");
        }
        async.add("Calls {@code " + m.endpoint() + "} without blocking: the future completes with the");
        async.add("reply or fails with the {@link io.micro.errors.MicroException} of the call.");
        w.javadoc(async);
        deprecated(w, m.deprecated());
        w.open("public " + FUTURE + "<" + m.output() + "> " + m.javaName() + "Async(" + m.input()
            + " request) {");
        w.line("return client.callAsync(request(\"" + m.endpoint() + "\", request), " + m.output()
            + ".class, options);");
        w.close("}");
      }
      case SERVER_STREAM -> {
        doc.add("Calls the server-streaming {@code " + m.endpoint() + "}: sends {@code request}, ends the");
        doc.add("sending side and returns the stream to {@link " + CLIENT_STREAM + "#receive() receive}");
        doc.add("responses from until {@code null}. Close it when done (try-with-resources).");
        doc.add("");
        doc.add("@throws io.micro.errors.MicroException when the stream cannot be opened or the request");
        doc.add("    not sent");
        w.javadoc(doc);
        deprecated(w, m.deprecated());
        w.open("public " + clientStream(m) + " " + m.javaName() + "(" + m.input() + " request) {");
        w.line(clientStream(m) + " stream = open(\"" + m.endpoint() + "\", " + m.input()
            + ".getDefaultInstance(), " + m.output() + ".class);");
        w.open("try {");
        w.line("stream.send(request);");
        w.line("stream.closeSend();");
        w.close("} catch (java.lang.RuntimeException e) {");
        w.depthIn();
        w.line("stream.close();");
        w.line("throw e;");
        w.close("}");
        w.line("return stream;");
        w.close("}");
        w.line("");
        List<String> async = new ArrayList<>(m.comment());
        if (!async.isEmpty()) {
          async.add("");
        }
        async.add("Calls the server-streaming {@code " + m.endpoint() + "} without blocking: sends {@code");
        async.add("request} and ends the sending side; responses go to {@code observer}. The returned");
        async.add("handle cancels the stream or tells when it is {@code done()}.");
        async.add("");
        async.add("@throws io.micro.errors.MicroException when the stream cannot be opened");
        w.javadoc(async);
        deprecated(w, m.deprecated());
        w.open("public " + ASYNC_STREAM + "<" + m.input() + "> " + m.javaName() + "Async("
            + m.input() + " request, " + OBSERVER + "<" + m.output() + "> observer) {");
        w.line(ASYNC_STREAM + "<" + m.input() + "> stream = client.streamAsync(request(\""
            + m.endpoint() + "\", " + m.input() + ".getDefaultInstance()), " + m.output()
            + ".class, options, observer);");
        w.line("stream.send(request).thenCompose(sent -> stream.closeSend());");
        w.line("return stream;");
        w.close("}");
      }
      case CLIENT_STREAM, BIDI -> {
        boolean bidi = m.kind() == Kind.BIDI;
        doc.add("Opens the " + (bidi ? "bidirectional" : "client-streaming") + " stream {@code "
            + m.endpoint() + "}: {@link " + CLIENT_STREAM + "#send send}");
        doc.add(bidi
            ? "requests and {@link " + CLIENT_STREAM + "#receive() receive} responses in any order,"
            : "requests, {@link " + CLIENT_STREAM + "#closeSend() closeSend()}, then {@link "
                + CLIENT_STREAM + "#receive() receive}");
        doc.add(bidi ? "{@link " + CLIENT_STREAM + "#closeSend() closeSend()} when done sending. Close"
            : "the one response. Close");
        doc.add("the stream when done (try-with-resources).");
        doc.add("");
        doc.add("@throws io.micro.errors.MicroException when the stream cannot be opened");
        w.javadoc(doc);
        deprecated(w, m.deprecated());
        w.open("public " + clientStream(m) + " " + m.javaName() + "() {");
        w.line("return open(\"" + m.endpoint() + "\", " + m.input() + ".getDefaultInstance(), "
            + m.output() + ".class);");
        w.close("}");
        w.line("");
        List<String> async = new ArrayList<>(m.comment());
        if (!async.isEmpty()) {
          async.add("");
        }
        async.add("Opens the " + (bidi ? "bidirectional" : "client-streaming") + " stream {@code "
            + m.endpoint() + "} without blocking on");
        async.add("responses: they go to {@code observer}; send requests and end with {@code");
        async.add("closeSend()} on the returned handle.");
        async.add("");
        async.add("@throws io.micro.errors.MicroException when the stream cannot be opened");
        w.javadoc(async);
        deprecated(w, m.deprecated());
        w.open("public " + ASYNC_STREAM + "<" + m.input() + "> " + m.javaName() + "Async("
            + OBSERVER + "<" + m.output() + "> observer) {");
        w.line("return client.streamAsync(request(\"" + m.endpoint() + "\", " + m.input()
            + ".getDefaultInstance()), " + m.output() + ".class, options, observer);");
        w.close("}");
      }
    }
  }

  private static void deprecated(SourceWriter w, boolean deprecated) {
    if (deprecated) {
      w.line("@java.lang.Deprecated");
    }
  }

  private static String clientStream(Method m) {
    return CLIENT_STREAM + "<" + m.input() + ", " + m.output() + ">";
  }

  /** The source of {@code <Service>Handler}. */
  static String handler(ServiceModel s) {
    SourceWriter w = header(s);
    String iface = s.handlerInterface();
    List<String> doc = new ArrayList<>();
    doc.add("The proto service {@code " + s.handlerName() + "} as a server implements it; serve an");
    doc.add("implementation with {@link #register}, which exposes each method as the endpoint {@code");
    doc.add(s.handlerName() + ".<Method>}, the name go-micro clients call.");
    doc.add("");
    doc.addAll(paragraph(s.comment()));
    doc.add("<p>Methods may be called concurrently. Throw an {@link io.micro.errors.MicroException} to");
    doc.add("answer with that error; any other exception answers with a 500. During a call,");
    doc.add("{@link io.micro.metadata.Metadata#current()} holds the caller's metadata.");
    w.javadoc(doc);
    deprecated(w, s.deprecated());
    w.open("public interface " + iface + " {");
    for (Method m : s.methods()) {
      w.line("");
      List<String> mdoc = new ArrayList<>(m.comment());
      if (!mdoc.isEmpty()) {
        mdoc.add("");
      }
      mdoc.add("Serves {@code " + m.endpoint() + "}.");
      w.javadoc(mdoc);
      deprecated(w, m.deprecated());
      w.line(handlerSignature(m, m.javaName()) + ";");
    }
    w.line("");
    w.javadoc(List.of(
        "Serves {@code handler} on {@code server} as the handler {@code " + s.handlerName()
            + "}: only the methods of",
        "this interface become endpoints, whatever else the implementation declares.",
        "",
        "@return {@code server}",
        "@throws IllegalArgumentException when {@code server} already serves one of these endpoints"));
    w.open("static " + SERVER + " register(" + SERVER + " server, " + iface + " handler) {");
    w.line("java.util.Objects.requireNonNull(handler, \"handler\");");
    w.line("return server.handle(\"" + s.handlerName() + "\", new Endpoints(handler));");
    w.close("}");
    w.line("");
    w.javadoc(List.of(
        "The endpoints as the server sees them: one public method per RPC, named as go-micro",
        "names it, delegating to the handler. Made by {@link #register}; not for direct use."));
    w.open("final class Endpoints {");
    w.line("private final " + iface + " handler;");
    w.line("");
    w.open("Endpoints(" + iface + " handler) {");
    w.line("this.handler = handler;");
    w.close("}");
    for (Method m : s.methods()) {
      w.line("");
      w.javadoc(List.of("Serves {@code " + m.endpoint() + "}."));
      w.open("public " + handlerSignature(m, m.goName()) + " {");
      String call = "handler." + m.javaName() + "(" + arguments(m) + ");";
      w.line(m.kind() == Kind.UNARY || m.kind() == Kind.CLIENT_STREAM ? "return " + call : call);
      w.close("}");
    }
    w.close("}");
    w.close("}");
    return w.toString();
  }

  private static String handlerSignature(Method m, String name) {
    return switch (m.kind()) {
      case UNARY -> m.output() + " " + name + "(" + m.input() + " request)";
      case SERVER_STREAM -> "void " + name + "(" + m.input() + " request, " + SENDER + "<"
          + m.output() + "> responses)";
      case CLIENT_STREAM -> m.output() + " " + name + "(" + RECEIVER + "<" + m.input()
          + "> requests)";
      case BIDI -> "void " + name + "(" + BIDI + "<" + m.input() + ", " + m.output()
          + "> stream)";
    };
  }

  private static String arguments(Method m) {
    return switch (m.kind()) {
      case UNARY -> "request";
      case SERVER_STREAM -> "request, responses";
      case CLIENT_STREAM -> "requests";
      case BIDI -> "stream";
    };
  }

  private static List<String> paragraph(List<String> comment) {
    if (comment.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    out.add("<p>" + comment.get(0));
    out.addAll(comment.subList(1, comment.size()));
    out.add("");
    return out;
  }

  private static SourceWriter header(ServiceModel s) {
    SourceWriter w = new SourceWriter();
    w.line("// Generated by micro-protoc from " + s.protoFile() + ". Do not edit.");
    if (!s.javaPackage().isEmpty()) {
      w.line("package " + s.javaPackage() + ";");
    }
    return w.line("");
  }
}
