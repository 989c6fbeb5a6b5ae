package io.micro.registry.mdns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A DNS message as mDNS discovery uses it: header, questions and the records of every section.
 * Encoding and decoding of questions and records go through Netty's DNS codec; the 12-byte header
 * is written here.
 *
 * @param flags the header's second 16 bits ({@code 0x8400} = authoritative response)
 * @param records answers, then authority, then additional records
 */
record Packet(int id, int flags, List<Question> questions, List<Rr> records) {
  /** A response. */
  static final int QR = 0x8000;
  /** An authoritative answer. */
  static final int AA = 0x0400;
  /** The mDNS class bit asking for a unicast answer (RFC 6762 §5.4), or flushing a cache. */
  static final int TOP_BIT = 0x8000;
  static final int CLASS_IN = 1;

  /**
   * One question.
   *
   * @param dnsClass the class with the unicast-response bit
   */
  record Question(String name, int type, int dnsClass) {}

  Packet {
    questions = List.copyOf(questions);
    records = List.copyOf(records);
  }

  boolean isResponse() {
    return (flags & QR) != 0;
  }

  /** The wire form; every record goes to the answer section. */
  byte[] encode() {
    ByteBuf out = Unpooled.buffer(512);
    try {
      out.writeShort(id).writeShort(flags);
      out.writeShort(questions.size()).writeShort(records.size()).writeShort(0).writeShort(0);
      for (Question q : questions) {
        DnsRecordEncoder.DEFAULT.encodeQuestion(
            new DefaultDnsQuestion(q.name(), DnsRecordType.valueOf(q.type()), q.dnsClass()), out);
      }
      for (Rr rr : records) {
        DnsRecord record = toNetty(rr);
        try {
          DnsRecordEncoder.DEFAULT.encodeRecord(record, out);
        } finally {
          ReferenceCountUtil.release(record);
        }
      }
      return ByteBufUtil.getBytes(out);
    } catch (Exception e) {
      throw new IllegalArgumentException("dns: cannot encode " + this + ": " + e.getMessage(), e);
    } finally {
      out.release();
    }
  }

  private static DnsRecord toNetty(Rr rr) {
    switch (rr.type()) {
      case Rr.PTR:
        return new DefaultDnsPtrRecord(rr.name(), CLASS_IN, rr.ttl(), rr.target());
      case Rr.SRV:
        ByteBuf srv = Unpooled.buffer();
        srv.writeShort(10).writeShort(1).writeShort(rr.port());
        writeName(rr.target(), srv);
        return raw(rr, srv);
      case Rr.TXT:
        ByteBuf txt = Unpooled.buffer();
        for (String s : rr.strings()) {
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          txt.writeByte(bytes.length).writeBytes(bytes);
        }
        return raw(rr, txt);
      default:
        return raw(rr, Unpooled.wrappedBuffer(rr.address().getAddress()));
    }
  }

  private static DnsRecord raw(Rr rr, ByteBuf content) {
    return new DefaultDnsRawRecord(
        rr.name(), DnsRecordType.valueOf(rr.type()), CLASS_IN, rr.ttl(), content);
  }

  /** Writes an uncompressed name: its labels, then the root. */
  static void writeName(String name, ByteBuf out) {
    for (String label : name.split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
      out.writeByte(bytes.length).writeBytes(bytes);
    }
    out.writeByte(0);
  }

  /**
   * Reads a message; records of other types than PTR, SRV, TXT, A and AAAA are skipped.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed DNS message
   */
  static Packet decode(byte[] bytes, int length) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, length);
    try {
      if (in.readableBytes() < 12) {
        throw new IllegalArgumentException("dns: " + length + " bytes (expected: >= 12)");
      }
      int id = in.readUnsignedShort();
      int flags = in.readUnsignedShort();
      int qd = in.readUnsignedShort();
      int records = in.readUnsignedShort() + in.readUnsignedShort() + in.readUnsignedShort();
      List<Question> questions = new ArrayList<>(Math.min(qd, 16));
      for (int i = 0; i < qd; i++) {
        DnsQuestion q = DnsRecordDecoder.DEFAULT.decodeQuestion(in);
        questions.add(new Question(q.name(), q.type().intValue(), q.dnsClass()));
      }
      List<Rr> rrs = new ArrayList<>(Math.min(records, 32));
      for (int i = 0; i < records; i++) {
        DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
        if (record == null) {
          throw new IllegalArgumentException("dns: truncated record " + i + " of " + records);
        }
        try {
          Rr rr = fromNetty(record);
          if (rr != null) {
            rrs.add(rr);
          }
        } finally {
          ReferenceCountUtil.release(record);
        }
      }
      return new Packet(id, flags, questions, rrs);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("dns: malformed message: " + e.getMessage(), e);
    } finally {
      in.release();
    }
  }

  private static Rr fromNetty(DnsRecord record) throws UnknownHostException {
    int type = record.type().intValue();
    if (record instanceof DnsPtrRecord ptr) {
      return Rr.ptr(record.name(), record.timeToLive(), ptr.hostname());
    }
    if (!(record instanceof DnsRawRecord raw)) {
      return null;
    }
    ByteBuf content = raw.content().duplicate();
    switch (type) {
      case Rr.SRV:
        content.skipBytes(4);
        int port = content.readUnsignedShort();
        return Rr.srv(record.name(), record.timeToLive(), port, DefaultDnsRecordDecoder.decodeName(content));
      case Rr.TXT:
        List<String> strings = new ArrayList<>();
        while (content.isReadable()) {
          int n = content.readUnsignedByte();
          strings.add(content.readCharSequence(n, StandardCharsets.UTF_8).toString());
        }
        return Rr.txt(record.name(), record.timeToLive(), strings);
      case Rr.A:
      case Rr.AAAA:
        byte[] address = ByteBufUtil.getBytes(content);
        return Rr.address(record.name(), record.timeToLive(), InetAddress.getByAddress(address));
      default:
        return null;
    }
  }
}
