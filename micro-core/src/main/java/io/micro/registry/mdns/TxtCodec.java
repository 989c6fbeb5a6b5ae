package io.micro.registry.mdns;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * go-micro's mDNS TXT payload: the JSON {@code {"Metadata":{..},"Service":..,"Version":..,
 * "Endpoints":[..]}} (map keys sorted, as Go writes them), compressed with zlib, written as
 * lowercase hex and cut into strings of at most 255 characters.
 */
final class TxtCodec {
  /** Longest string a TXT record may hold. */
  static final int MAX_STRING = 255;
  /** Largest inflated payload accepted from the network. */
  static final int MAX_JSON = 1 << 20;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final HexFormat HEX = HexFormat.of();

  private TxtCodec() {}

  /**
   * The data one TXT record carries; no endpoints is {@code null} (written as {@code null}, like a
   * nil Go slice).
   */
  @JsonPropertyOrder({"Metadata", "Service", "Version", "Endpoints"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Txt(
      @JsonProperty("Metadata") Map<String, String> metadata,
      @JsonProperty("Service") String service,
      @JsonProperty("Version") String version,
      @JsonProperty("Endpoints") @Nullable List<Endpoint> endpoints) {
    Txt {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
      service = service == null ? "" : service;
      version = version == null ? "" : version;
      endpoints = endpoints == null || endpoints.isEmpty() ? null : List.copyOf(endpoints);
    }

    /** The endpoints, empty when there are none. */
    List<Endpoint> endpointList() {
      return endpoints == null ? List.of() : endpoints;
    }
  }

  /** The JSON text, exactly as go-micro would write it for the same data. */
  static String json(Txt txt) {
    try {
      return JSON.writeValueAsString(txt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The TXT strings for {@code txt}. */
  static List<String> encode(Txt txt) {
    byte[] raw = json(txt).getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
    try {
      deflater.setInput(raw);
      deflater.finish();
      byte[] buf = new byte[1024];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
    } finally {
      deflater.end();
    }
    String hex = HEX.formatHex(out.toByteArray());
    List<String> strings = new ArrayList<>(hex.length() / MAX_STRING + 1);
    for (int i = 0; i < hex.length(); i += MAX_STRING) {
      strings.add(hex.substring(i, Math.min(hex.length(), i + MAX_STRING)));
    }
    return List.copyOf(strings);
  }

  /**
   * Reads the TXT strings of a go-micro node.
   *
   * @throws IllegalArgumentException when they are not hex of zlib of the JSON (naming what failed)
   */
  static Txt decode(List<String> strings) {
    String hex = String.join("", strings);
    byte[] compressed;
    try {
      compressed = HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("txt: not hex (expected: hex of zlib data)", e);
    }
    byte[] raw = inflate(compressed);
    try {
      Txt txt = JSON.readValue(raw, Txt.class);
      if (txt == null) {
        throw new IllegalArgumentException("txt: null (expected: a JSON object)");
      }
      return txt;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("txt: " + e.getOriginalMessage() + " (expected: JSON)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] inflate(byte[] compressed) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
      byte[] buf = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("txt: truncated zlib data (expected: a complete stream)");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_JSON) {
          throw new IllegalArgumentException(
              "txt: more than " + MAX_JSON + " bytes inflated (expected: <= " + MAX_JSON + ")");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("txt: " + e.getMessage() + " (expected: zlib data)", e);
    } finally {
      inflater.end();
    }
  }
}
