package io.micro.examples.greeter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private network of Linux network namespaces, made with {@code ip} (iproute2) for one test run:
 * one namespace per host, each with {@code lo} up and one interface {@code veth0} whose peer sits
 * on the bridge {@code br0} in a namespace of its own, so the hosts share one Ethernet segment.
 * Addresses come from {@code 10.213.<x>.0/24} and exist only inside these namespaces; each host
 * routes multicast ({@code 224.0.0.0/4}) to {@code veth0}. Nothing is created in, or changed on,
 * the namespace the test runs in: every link is created inside a namespace made here, and deleting
 * the namespaces ({@link #close()}) removes all of it.
 *
 * <p>Needs root. Namespace names are {@code micro-<random>-<host>}, unique per run. Not thread-safe;
 * one test class uses one instance.
 */
final class Netns implements AutoCloseable {

  /** The interface of every host namespace. */
  static final String INTERFACE = "veth0";

  private static final long COMMAND_SECONDS = 15;

  private final String prefix;
  private final int subnet;
  private final String bridge;
  private final Map<String, String> hosts = new LinkedHashMap<>();
  private final List<String> created = new ArrayList<>();

  private Netns(String prefix, int subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.bridge = prefix + "-br";
  }

  /**
   * Creates the bridge namespace; throws {@link IOException} with the output of {@code ip} when
   * that fails (not root, no iproute2, no netns support), after removing whatever was made.
   */
  static Netns create() throws IOException, InterruptedException {
    SecureRandom random = new SecureRandom();
    String prefix = "micro-" + Integer.toHexString(random.nextInt(1 << 24) | (1 << 24)).substring(1);
    Netns net = new Netns(prefix, 1 + random.nextInt(254));
    try {
      net.addNamespace(net.bridge);
      net.ip(net.bridge, "link", "set", "lo", "up");
      // no IGMP snooping: the bridge floods multicast to every port, as a plain switch does
      net.ip(net.bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
      net.ip(net.bridge, "link", "set", "br0", "up");
      return net;
    } catch (IOException | RuntimeException | InterruptedException e) {
      net.close();
      throw e;
    }
  }

  /**
   * Adds host {@code name} ({@code a}, {@code b}, … — at most 12 characters) as namespace
   * {@code <prefix>-<name>} with address {@code 10.213.<x>.<hosts so far + 1>/24} on
   * {@code veth0}, and returns that address.
   */
  String addHost(String name) throws IOException, InterruptedException {
    String ns = namespace(name);
    String address = "10.213." + subnet + "." + (hosts.size() + 1);
    String peer = "p-" + name;
    addNamespace(ns);
    ip(ns, "link", "set", "lo", "up");
    // created inside the host namespace with its peer placed straight into the bridge namespace
    ip(ns, "link", "add", INTERFACE, "type", "veth", "peer", "name", peer, "netns", bridge);
    ip(bridge, "link", "set", peer, "master", "br0");
    ip(bridge, "link", "set", peer, "up");
    ip(ns, "addr", "add", address + "/24", "dev", INTERFACE);
    ip(ns, "link", "set", INTERFACE, "up");
    ip(ns, "route", "add", "224.0.0.0/4", "dev", INTERFACE);
    hosts.put(name, address);
    return address;
  }

  /** The namespace of host {@code name}. */
  String namespace(String name) {
    return prefix + "-" + name;
  }

  /** The subnet of the hosts, e.g. {@code 10.213.7.}, for prefix checks of addresses. */
  String subnetPrefix() {
    return "10.213." + subnet + ".";
  }

  /** The command prefix that runs a program in host {@code name}'s namespace. */
  List<String> exec(String name) {
    return List.of("ip", "netns", "exec", namespace(name));
  }

  /** {@code ip -n <ns> addr} and {@code route} of every namespace, for failure messages. */
  String describe() {
    StringBuilder out = new StringBuilder();
    for (String ns : created) {
      out.append("--- ").append(ns).append('\n');
      for (String what : List.of("addr", "route")) {
        try {
          out.append(run(List.of("ip", "-n", ns, "-br", what)));
        } catch (IOException | InterruptedException e) {
          out.append("(ip ").append(what).append(": ").append(e.getMessage()).append(")\n");
        }
      }
    }
    return out.toString();
  }

  /**
   * Deletes every namespace made here, hosts first; the veth pairs and the bridge go with them
   * (once no process runs in them any more). Best effort: never throws.
   */
  @Override
  public void close() {
    List<String> reversed = new ArrayList<>(created);
    Collections.reverse(reversed);
    for (String ns : reversed) {
      try {
        run(List.of("ip", "netns", "delete", ns));
      } catch (IOException | RuntimeException e) {
        System.err.println("netns cleanup: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    created.clear();
  }

  private void addNamespace(String ns) throws IOException, InterruptedException {
    run(List.of("ip", "netns", "add", ns));
    created.add(ns);
  }

  private void ip(String ns, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
    command.addAll(List.of(args));
    run(command);
  }

  /** Runs {@code command}, bounded; returns its output or throws with it. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("netns", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(String.join(" ", command) + ": still running after " + COMMAND_SECONDS + " s");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": exit status " + p.exitValue() + ": " + output.strip());
      }
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
