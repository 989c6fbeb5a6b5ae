package io.micro.plugins.registry.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micro.registry.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * go-micro's Consul tags: {@code t-<hex(zlib(JSON {key: value}))>} per node metadata entry, {@code
 * e-<hex(zlib(JSON endpoint))>} per endpoint and {@code v-<hex(zlib(version))>}. Decoding also
 * accepts the older plain forms {@code t=<JSON>}, {@code e=<JSON>}, {@code v=<version>}, and like
 * go-micro uses only the first form ({@code -} or {@code =}) it meets for endpoints and metadata.
 * Tags without one of these six prefixes belong to someone else and are ignored.
 *
 * <p>The zlib bytes differ from Go's (two valid encoders of one stream format); the decoded data is
 * the same, and that is all go-micro compares.
 */
final class Tags {
  /** Largest payload one tag may inflate to. */
  static final int MAX_INFLATED = 1 << 20;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .build();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final HexFormat HEX = HexFormat.of();

  private Tags() {}

  /** What a node's tags say, and what could not be read (one line per unreadable tag). */
  record Decoded(
      String version, List<Endpoint> endpoints, Map<String, String> metadata, List<String> problems) {
    Decoded {
      endpoints = List.copyOf(endpoints);
      metadata = Map.copyOf(metadata);
      problems = List.copyOf(problems);
    }

    /** Whether any {@code t-} or {@code t=} tag was read. */
    boolean hasMetadata() {
      return !metadata.isEmpty();
    }
  }

  /** The tags go-micro writes: metadata (by key), then endpoints, then the version. */
  static List<String> encode(String version, List<Endpoint> endpoints, Map<String, String> metadata) {
    List<String> tags = new ArrayList<>(metadata.size() + endpoints.size() + 1);
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      tags.add("t-" + hexZlib(json(Map.of(e.getKey(), e.getValue()))));
    }
    for (Endpoint endpoint : endpoints) {
      tags.add("e-" + hexZlib(json(endpoint)));
    }
    tags.add("v-" + hexZlib(version.getBytes(StandardCharsets.UTF_8)));
    return List.copyOf(tags);
  }

  /** Reads go-micro's data back from Consul tags; unreadable tags are reported, never thrown. */
  static Decoded decode(List<String> tags) {
    List<String> problems = new ArrayList<>();
    String version = "";
    for (String tag : tags) {
      if (tag.startsWith("v=")) {
        version = tag.substring(2);
        break;
      }
      if (tag.startsWith("v-")) {
        try {
          version = new String(inflateHex(tag.substring(2)), StandardCharsets.UTF_8);
          break;
        } catch (IllegalArgumentException e) {
          problems.add(brief(tag) + ": " + e.getMessage());
        }
      }
    }
    List<Endpoint> endpoints = new ArrayList<>();
    char form = 0;
    for (String tag : tags) {
      if (!(tag.startsWith("e-") || tag.startsWith("e=")) || (form != 0 && tag.charAt(1) != form)) {
        continue;
      }
      form = tag.charAt(1);
      try {
        Endpoint e = JSON.readValue(payload(tag), Endpoint.class);
        if (e == null) {
          throw new IllegalArgumentException("null (expected: an endpoint object)");
        }
        endpoints.add(e);
      } catch (IllegalArgumentException | IOException e) {
        problems.add(brief(tag) + ": " + message(e));
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    form = 0;
    for (String tag : tags) {
      if (!(tag.startsWith("t-") || tag.startsWith("t=")) || (form != 0 && tag.charAt(1) != form)) {
        continue;
      }
      form = tag.charAt(1);
      try {
        Map<String, String> kv = JSON.readValue(payload(tag), STRING_MAP);
        if (kv == null) {
          throw new IllegalArgumentException("null (expected: a JSON object of strings)");
        }
        kv.forEach((k, v) -> metadata.put(k, v == null ? "" : v));
      } catch (IllegalArgumentException | IOException e) {
        problems.add(brief(tag) + ": " + message(e));
      }
    }
    return new Decoded(version, endpoints, metadata, problems);
  }

  private static byte[] payload(String tag) {
    return tag.charAt(1) == '='
        ? tag.substring(2).getBytes(StandardCharsets.UTF_8)
        : inflateHex(tag.substring(2));
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String hexZlib(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
    try {
      deflater.setInput(raw);
      deflater.finish();
      byte[] buf = new byte[512];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
    } finally {
      deflater.end();
    }
    return HEX.formatHex(out.toByteArray());
  }

  /**
   * Inflates hex of zlib data.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static byte[] inflateHex(String hex) {
    byte[] compressed;
    try {
      compressed = HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not hex (expected: hex of zlib data)", e);
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
      byte[] buf = new byte[1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("truncated zlib data (expected: a complete stream)");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED) {
          throw new IllegalArgumentException(
              "inflates to more than " + MAX_INFLATED + " bytes (expected: <= " + MAX_INFLATED + ")");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException(e.getMessage() + " (expected: zlib data)", e);
    } finally {
      inflater.end();
    }
  }

  private static String brief(String tag) {
    return "tag " + (tag.length() > 24 ? tag.substring(0, 24) + "…" : tag);
  }

  private static String message(Exception e) {
    if (e instanceof JsonProcessingException j) {
      return j.getOriginalMessage() + " (expected: go-micro JSON)";
    }
    return e.getMessage();
  }
}
