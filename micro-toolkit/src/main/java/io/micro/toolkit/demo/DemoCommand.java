package io.micro.toolkit.demo;

import io.micro.toolkit.Micro;
import io.micro.toolkit.Toolkit;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code micro demo}: starts the greeter, the web dashboard (and the API gateway and sidecar when
 * they are built in) on the registry of the global flags (mDNS by default), prints their URLs and
 * commands to try, and stops everything on Ctrl-C.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run a local environment: the greeter service, the web dashboard and the gateways; Ctrl-C stops it.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--greeter_address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "Where the greeter listens; default ${DEFAULT-VALUE} (a free port).")
  String greeterAddress = "127.0.0.1:0";

  @Option(names = "--web_address", paramLabel = "HOST:PORT",
      defaultValue = "${env:MICRO_WEB_ADDRESS:-127.0.0.1:8082}",
      description = "Where the web dashboard listens (env MICRO_WEB_ADDRESS); default ${DEFAULT-VALUE}.")
  String webAddress = "127.0.0.1:8082";

  @Option(names = "--api_address", paramLabel = "HOST:PORT",
      defaultValue = "${env:MICRO_API_ADDRESS:-127.0.0.1:8080}",
      description = "Where the API gateway listens (env MICRO_API_ADDRESS); default ${DEFAULT-VALUE}.")
  String apiAddress = "127.0.0.1:8080";

  @Option(names = "--sidecar_address", paramLabel = "HOST:PORT",
      defaultValue = "${env:MICRO_SIDECAR_ADDRESS:-127.0.0.1:8081}",
      description = "Where the sidecar listens (env MICRO_SIDECAR_ADDRESS); default ${DEFAULT-VALUE}.")
  String sidecarAddress = "127.0.0.1:8081";

  @Spec CommandSpec spec;

  /** The components of the demo, in start order. */
  List<Component> components() {
    List<Component> list = new ArrayList<>();
    list.add(new Greeter(greeterAddress));
    // the same handler in the API namespace, so the gateway's /greeter/say/hello reaches it
    list.add(new Greeter("go.micro.api.greeter", greeterAddress));
    list.add(new ApiComponent(apiAddress));
    list.add(new GreeterWebApp());
    list.add(new WebComponent(webAddress));
    list.add(new SidecarComponent(sidecarAddress));
    return list;
  }

  @Override
  public Integer call() throws InterruptedException {
    Toolkit toolkit = Micro.toolkit(spec);
    PrintWriter out = spec.commandLine().getOut();
    Deque<Component> started = new ArrayDeque<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      out.println("micro demo: stopping");
      out.flush();
      stop(started);
      stopped.countDown();
    }, "micro-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("micro demo: starting on the " + toolkit.registry().name() + " registry");
    try {
      for (Component c : components()) {
        List<String> lines;
        synchronized (started) {
          lines = c.start(toolkit);
          started.push(c);
        }
        for (String line : lines) {
          out.printf("  %-8s %s%n", c.name(), line);
        }
      }
    } catch (RuntimeException e) {
      stop(started);
      Runtime.getRuntime().removeShutdownHook(hook);
      throw e;
    }
    out.println();
    out.println("Try:");
    out.println("  bin/micro list services");
    out.println("  bin/micro call go.micro.srv.greeter Say.Hello '{\"name\":\"John\"}'");
    out.println("  curl -H 'Content-Type: application/json' -d '{\"name\":\"John\"}' "
        + url(apiAddress) + "/greeter/say/hello");
    out.println("  curl -d service=go.micro.srv.greeter -d method=Say.Hello -d 'request={\"name\":\"John\"}' "
        + url(sidecarAddress) + "/rpc");
    out.println("  open " + url(webAddress) + "/ in a browser (registry, call form, CLI; the web app at /greeter/)");
    out.println();
    out.println("Ctrl-C stops everything.");
    out.flush();
    stopped.await();
    return 0;
  }

  private static String url(String hostPort) {
    return "http://" + (hostPort.startsWith(":") ? "127.0.0.1" + hostPort : hostPort);
  }

  private static void stop(Deque<Component> started) {
    synchronized (started) {
      while (!started.isEmpty()) {
        started.pop().close();
      }
    }
  }
}
