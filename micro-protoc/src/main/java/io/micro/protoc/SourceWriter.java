package io.micro.protoc;

import java.util.List;

/** Builds Java source text line by line with two-space indentation. */
final class SourceWriter {
  private final StringBuilder out = new StringBuilder(4096);
  private int depth;

  /** Appends {@code line} at the current depth; an empty string is an empty line. */
  SourceWriter line(String line) {
    if (!line.isEmpty()) {
      out.append("  ".repeat(depth)).append(line);
    }
    out.append('\n');
    return this;
  }

  /** Appends {@code line} (ending with an opening brace) and indents what follows. */
  SourceWriter open(String line) {
    line(line);
    depth++;
    return this;
  }

  /** Un-indents and appends {@code line} (starting with a closing brace). */
  SourceWriter close(String line) {
    depth--;
    return line(line);
  }

  /** Indents what follows (after a line such as {@code } catch (E e) {}). */
  SourceWriter depthIn() {
    depth++;
    return this;
  }

  /** A Javadoc comment of the given paragraphs; {@code lines} must already be escaped. */
  SourceWriter javadoc(List<String> lines) {
    if (lines.isEmpty()) {
      return this;
    }
    line("/**");
    for (String l : lines) {
      line(l.isEmpty() ? " *" : " * " + l);
    }
    return line(" */");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
