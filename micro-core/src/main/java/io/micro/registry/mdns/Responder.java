package io.micro.registry.mdns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.util.List;
import java.util.function.Function;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mDNS sockets on port 5353, shared with other processes (and other registries of this JVM)
 * through {@code SO_REUSEADDR}/{@code SO_REUSEPORT}: one bound to the group address and joined on
 * one interface only, which receives; one bound to the interface's address, which sends (Linux
 * refuses to send from a socket bound to a multicast address). A daemon thread reads: queries are
 * answered with what {@code answers} returns (by unicast to the sender when it asked from a port
 * other than 5353 or set the unicast bit, else by multicast), responses go to {@code onResponse}.
 */
final class Responder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);
  static final int PORT = 5353;

  private final MulticastSocket socket;
  private final MulticastSocket sender;
  private final InetSocketAddress group;
  private final Function<Packet.Question, List<List<Rr>>> answers;
  private final Consumer<Packet> onResponse;
  private final Thread reader;
  private volatile boolean closed;

  /**
   * Opens the socket and starts reading.
   *
   * @param answers for a question, the messages to send (each a list of records)
   * @throws UncheckedIOException when the socket cannot be opened or joined
   */
  Responder(
      NetworkInterface iface,
      InetAddress localAddress,
      InetSocketAddress group,
      Function<Packet.Question, List<List<Rr>>> answers,
      Consumer<Packet> onResponse) {
    this.group = group;
    this.answers = answers;
    this.onResponse = onResponse;
    try {
      this.socket = open(iface, group);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "mdns: cannot listen on " + group + " on interface " + iface.getName() + ": " + e.getMessage(), e);
    }
    try {
      this.sender = sender(iface, localAddress, group.getPort());
    } catch (IOException e) {
      socket.close();
      throw new UncheckedIOException(
          "mdns: cannot send from " + localAddress.getHostAddress() + " on interface " + iface.getName()
              + ": " + e.getMessage(),
          e);
    }
    this.reader = new Thread(this::read, "micro-mdns-" + iface.getName());
    reader.setDaemon(true);
    reader.start();
  }

  /** The receiving socket: on the group's port and address, joined on {@code iface} only. */
  static MulticastSocket open(NetworkInterface iface, InetSocketAddress group) throws IOException {
    MulticastSocket s = new MulticastSocket(null);
    try {
      reuse(s);
      try {
        // bound to the group address, the socket gets no unicast traffic from any interface
        s.bind(new InetSocketAddress(group.getAddress(), group.getPort()));
      } catch (SocketException groupBindRefused) {
        s.bind(new InetSocketAddress(group.getPort()));
      }
      configure(s, iface);
      s.joinGroup(new InetSocketAddress(group.getAddress(), 0), iface);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The sending socket: on the interface's address and the mDNS port (RFC 6762 wants responses
   * from port 5353), or an ephemeral port if that is taken without address reuse.
   */
  static MulticastSocket sender(NetworkInterface iface, InetAddress localAddress, int port)
      throws IOException {
    MulticastSocket s = new MulticastSocket(null);
    try {
      reuse(s);
      try {
        s.bind(new InetSocketAddress(localAddress, port));
      } catch (SocketException portTaken) {
        s.bind(new InetSocketAddress(localAddress, 0));
      }
      configure(s, iface);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static void reuse(MulticastSocket s) throws IOException {
    s.setReuseAddress(true);
    if (s.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
  }

  /**
   * Room for a burst of answers in the kernel's queue: a query for a service with 100 nodes brings
   * 100 datagrams at once, more than the default buffer holds (the kernel caps this at rmem_max).
   */
  static final int RECEIVE_BUFFER = 4 << 20;

  /**
   * Sends on {@code iface}, with multicast TTL 1 and loopback on (other local processes hear us),
   * and receives into a buffer large enough for bursts of answers.
   */
  static void configure(MulticastSocket s, NetworkInterface iface) throws IOException {
    s.setReceiveBufferSize(RECEIVE_BUFFER);
    s.setOption(StandardSocketOptions.IP_MULTICAST_IF, iface);
    s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
    s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
  }

  /** Multicasts an unsolicited response (an announcement or a goodbye). */
  void announce(List<Rr> records) {
    send(new Packet(0, Packet.QR, List.of(), records), group);
  }

  private void read() {
    byte[] buf = new byte[65536];
    DatagramPacket datagram = new DatagramPacket(buf, buf.length);
    while (!closed) {
      try {
        datagram.setLength(buf.length);
        socket.receive(datagram);
        handle(Packet.decode(buf, datagram.getLength()), datagram.getSocketAddress());
      } catch (IllegalArgumentException malformed) {
        log.debug("mdns: ignored a datagram from {}: {}", datagram.getSocketAddress(), malformed.getMessage());
      } catch (IOException e) {
        if (!closed) {
          log.warn("mdns: receive failed: {}", e.toString());
        }
      } catch (RuntimeException e) {
        log.warn("mdns: failed to handle a datagram from {}", datagram.getSocketAddress(), e);
      }
    }
  }

  private void handle(Packet packet, SocketAddress from) {
    if (packet.isResponse()) {
      onResponse.accept(packet);
      return;
    }
    if (((packet.flags() >> 11) & 0xf) != 0 || (packet.flags() & 0xf) != 0) {
      return; // RFC 6762 §18.3, §18.11: other opcodes and response codes are ignored
    }
    boolean legacy = from instanceof InetSocketAddress isa && isa.getPort() != PORT;
    for (Packet.Question q : packet.questions()) {
      boolean unicast = legacy || (q.dnsClass() & Packet.TOP_BIT) != 0;
      for (List<Rr> records : answers.apply(q)) {
        // go-micro's client drops answers that do not repeat its question
        Packet reply = new Packet(unicast ? packet.id() : 0, Packet.QR | Packet.AA, List.of(q), records);
        send(reply, unicast ? from : group);
      }
    }
  }

  private void send(Packet packet, SocketAddress to) {
    byte[] bytes = packet.encode();
    try {
      sender.send(new DatagramPacket(bytes, bytes.length, to));
    } catch (IOException e) {
      if (!closed) {
        log.warn("mdns: cannot send {} bytes to {}: {}", bytes.length, to, e.toString());
      }
    }
  }

  /** Stops the reader and releases the socket. */
  @Override
  public void close() {
    closed = true;
    socket.close();
    sender.close();
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The address of the group. */
  InetAddress groupAddress() {
    return group.getAddress();
  }
}
