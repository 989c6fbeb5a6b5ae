package io.micro.protoc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The comments protoc kept for a file's services and methods, as Javadoc-safe lines. */
final class Comments {
  private static final int SERVICE_FIELD = 6; // FileDescriptorProto.service
  private static final int METHOD_FIELD = 2; // ServiceDescriptorProto.method

  private final Map<List<Integer>, Location> byPath = new HashMap<>();

  Comments(FileDescriptorProto file) {
    for (Location location : file.getSourceCodeInfo().getLocationList()) {
      byPath.putIfAbsent(location.getPathList(), location);
    }
  }

  /** The comment lines of service {@code service} (its index in the file); empty when none. */
  List<String> service(int service) {
    return lines(List.of(SERVICE_FIELD, service));
  }

  /** The comment lines of method {@code method} of service {@code service}; empty when none. */
  List<String> method(int service, int method) {
    return lines(List.of(SERVICE_FIELD, service, METHOD_FIELD, method));
  }

  private List<String> lines(List<Integer> path) {
    Location location = byPath.get(path);
    if (location == null) {
      return List.of();
    }
    String text = location.getLeadingComments();
    if (text.isBlank()) {
      text = location.getTrailingComments();
    }
    List<String> out = new ArrayList<>();
    for (String line : text.strip().split("\n", -1)) {
      String trimmed = line.stripTrailing(); // protoc keeps the space after "//"
      out.add(escape(trimmed.startsWith(" ") ? trimmed.substring(1) : trimmed));
    }
    return out.size() == 1 && out.get(0).isEmpty() ? List.of() : out;
  }

  /** Makes {@code s} safe inside a Javadoc comment: HTML, {@code @} and comment ends escaped. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '@' -> b.append("&#64;");
        case '*' -> b.append(i + 1 < s.length() && s.charAt(i + 1) == '/' ? "&#42;" : "*");
        case '\\' -> b.append("&#92;"); // javac reads backslash-u escapes even in comments
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
