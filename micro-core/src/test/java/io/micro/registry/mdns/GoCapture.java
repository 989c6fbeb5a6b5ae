package io.micro.registry.mdns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Frames captured from a real go-micro v4.11.0 greeter (wire samples §1d), as test resources. */
final class GoCapture {
  private GoCapture() {}

  /** The DNS payload of the greeter's announcement (frame 9): SRV + A + TXT, TTL 120. */
  static Packet announcement() throws IOException {
    try (InputStream in = GoCapture.class.getResourceAsStream("go-greeter-announcement.hex")) {
      byte[] bytes = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
      return Packet.decode(bytes, bytes.length);
    }
  }
}
