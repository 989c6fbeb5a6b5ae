package io.micro.registry.mdns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query, as go-micro's client makes it: from a fresh socket on an ephemeral port of the
 * interface's address, multicast to the group, then every response that arrives within the window
 * (responders answer such a query by unicast to that port).
 */
final class Lookup {
  private static final Logger log = LoggerFactory.getLogger(Lookup.class);

  private Lookup() {}

  /**
   * Asks for the PTR records of {@code name} and hands each response to {@code onResponse} until
   * {@code window} has passed. Runs on the calling thread.
   *
   * @throws UncheckedIOException when the socket cannot be opened or the query cannot be sent
   */
  static void query(
      NetworkInterface iface,
      InetAddress localAddress,
      InetSocketAddress group,
      String name,
      Duration window,
      Consumer<Packet> onResponse) {
    long deadline = System.nanoTime() + window.toNanos();
    try (MulticastSocket socket = new MulticastSocket(new InetSocketAddress(localAddress, 0))) {
      Responder.configure(socket, iface);
      int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
      Packet.Question question = new Packet.Question(name, Rr.PTR, Packet.CLASS_IN);
      byte[] query = new Packet(id, 0, List.of(question), List.of()).encode();
      socket.send(new DatagramPacket(query, query.length, group));
      byte[] buf = new byte[65536];
      DatagramPacket datagram = new DatagramPacket(buf, buf.length);
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
        datagram.setLength(buf.length);
        try {
          socket.receive(datagram);
        } catch (SocketTimeoutException done) {
          break;
        }
        try {
          Packet packet = Packet.decode(buf, datagram.getLength());
          if (packet.isResponse()) {
            onResponse.accept(packet);
          }
        } catch (IllegalArgumentException malformed) {
          log.debug("mdns: ignored an answer from {}: {}", datagram.getSocketAddress(), malformed.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("mdns: query for " + name + " on " + iface.getName() + " failed: " + e.getMessage(), e);
    }
  }
}
