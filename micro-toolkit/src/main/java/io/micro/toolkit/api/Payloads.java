package io.micro.toolkit.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micro.errors.MicroException;
import io.micro.toolkit.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the JSON payload of an RPC from an HTTP request, as go-micro's rpc handler does. */
final class Payloads {
  static final ObjectMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build()).build();
  static final Set<String> JSON_TYPES = Set.of("application/json", "application/json-rpc", "application/grpc+json", "");
  static final Set<String> PROTO_TYPES = Set.of("application/grpc", "application/grpc+proto", "application/proto",
      "application/protobuf", "application/proto-rpc", "application/octet-stream");
  private static final byte[] EMPTY = {'{', '}'};

  private Payloads() {}

  /** Whether {@code contentType} carries protobuf (sent as is) rather than JSON. */
  static boolean isProto(String contentType) {
    return PROTO_TYPES.contains(contentType);
  }

  /**
   * The JSON payload: a JSON-RPC envelope's first parameter; a form's fields (values joined with
   * {@code ,}); else the query fields ({@code a.b=1} nests) with, for POST/PUT/PATCH/DELETE, the
   * JSON body merged over them (RFC 7386). A JSON body alone passes through unchanged.
   *
   * @throws MicroException 400 naming what is wrong with the body
   */
  static byte[] json(HttpRequest req) {
    String ct = req.contentType();
    byte[] body = req.body();
    if (ct.equals("application/json-rpc")) {
      JsonNode env = parse(body);
      JsonNode params = env.get("params");
      JsonNode first = params != null && params.isArray() ? params.get(0) : params;
      return first == null || first.isNull() ? EMPTY : bytes(first);
    }
    if (ct.equals("application/x-www-form-urlencoded")) {
      ObjectNode o = JSON.createObjectNode();
      fields(o, new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
          .parameters(), true);
      fields(o, req.query(), false);
      return bytes(o);
    }
    boolean hasBody = body.length > 0 && switch (req.method()) {
      case "POST", "PUT", "PATCH", "DELETE" -> true;
      default -> false;
    };
    if (req.query().isEmpty()) {
      if (!hasBody) {
        return EMPTY;
      }
      validate(body);
      return body;
    }
    ObjectNode o = JSON.createObjectNode();
    fields(o, req.query(), false);
    if (hasBody) {
      JsonNode patch = parse(body);
      if (!patch.isObject()) {
        throw MicroException.badRequest(Backend.ID, "request body must be a JSON object, got %s", patch.getNodeType());
      }
      merge(o, (ObjectNode) patch);
    }
    return bytes(o);
  }

  private static void fields(ObjectNode o, Map<String, List<String>> params, boolean joinAll) {
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      if (e.getValue().isEmpty() || e.getKey().isEmpty()) {
        continue;
      }
      String value = joinAll ? String.join(",", e.getValue()) : e.getValue().get(0);
      String[] path = e.getKey().split("\\.");
      ObjectNode at = o;
      for (int i = 0; i < path.length - 1; i++) {
        JsonNode next = at.get(path[i]);
        at = next instanceof ObjectNode n ? n : at.putObject(path[i]);
      }
      at.put(path[path.length - 1], value);
    }
  }

  /** RFC 7386 merge patch of {@code patch} into {@code target}. */
  static void merge(ObjectNode target, ObjectNode patch) {
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        target.remove(e.getKey());
      } else if (v.isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
        merge(t, (ObjectNode) v);
      } else {
        target.set(e.getKey(), v);
      }
    }
  }

  /** Checks {@code body} is one JSON object or array, without building it (a JSON body passes through as is). */
  static void validate(byte[] body) {
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(body)) {
      com.fasterxml.jackson.core.JsonToken first = p.nextToken();
      if (first != com.fasterxml.jackson.core.JsonToken.START_OBJECT && first != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
        throw MicroException.badRequest(Backend.ID, "request body must be a JSON object, got %s",
            first == null ? "nothing" : first.asString() == null ? first.name() : first.asString());
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw MicroException.badRequest(Backend.ID, "malformed JSON body: more than one value");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw MicroException.badRequest(Backend.ID, "malformed JSON body: %s", e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw MicroException.badRequest(Backend.ID, "unreadable body: %s", e.getMessage());
    }
  }

  static JsonNode parse(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw MicroException.badRequest(Backend.ID, "malformed JSON body: empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw MicroException.badRequest(Backend.ID, "malformed JSON body: %s", e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw MicroException.badRequest(Backend.ID, "unreadable body: %s", e.getMessage());
    }
  }

  static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw MicroException.internalServerError(Backend.ID, "cannot encode payload: %s", e.getOriginalMessage());
    }
  }
}
