package io.micro.toolkit.web;

/** HTML escaping and the page layout shared by every dashboard page. */
final class Html {

  private Html() {}

  /** {@code s} safe inside HTML text and double-quoted attribute values. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code s} as a URL query component. */
  static String url(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A whole page: the dark navbar, the left navigation with {@code active} highlighted, and {@code
   * body} (already escaped HTML) in the main column.
   */
  static String page(String title, String active, boolean stats, String body) {
    StringBuilder nav = new StringBuilder();
    navItem(nav, "/", "Home", active);
    navItem(nav, "/registry", "Registry", active);
    navItem(nav, "/call", "Call", active);
    navItem(nav, "/cli", "CLI", active);
    if (stats) {
      navItem(nav, "/stats", "Stats", active);
    }
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + esc(title) + " · Micro</title>"
        + "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">"
        + "<script src=\"/assets/dashboard.js\" defer></script></head>\n<body>"
        + "<header class=\"navbar\"><a class=\"brand\" href=\"/\">Micro</a>"
        + "<span class=\"navbar-title\">" + esc(title) + "</span></header>\n"
        + "<div class=\"layout\"><nav class=\"side\"><ul>" + nav + "</ul></nav>\n"
        + "<main>" + body + "</main></div>\n</body></html>\n";
  }

  private static void navItem(StringBuilder b, String href, String label, String active) {
    b.append("<li><a href=\"").append(href).append('"')
        .append(label.equals(active) ? " class=\"active\"" : "")
        .append('>').append(label).append("</a></li>");
  }
}
