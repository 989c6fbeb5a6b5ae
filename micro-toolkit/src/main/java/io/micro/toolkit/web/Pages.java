package io.micro.toolkit.web;

import static io.micro.toolkit.web.Html.esc;
import static io.micro.toolkit.web.Html.url;

import io.micro.registry.Endpoint;
import io.micro.registry.Node;
import io.micro.registry.Service;
import java.util.List;
import java.util.Map;

/** The dashboard's server-rendered pages; every registry string is escaped. */
final class Pages {

  private final String namespace;
  private final boolean stats;

  Pages(String namespace, boolean stats) {
    this.namespace = namespace;
    this.stats = stats;
  }

  /** Home: one button per web app ({@code <namespace>.<alias>}), with a search box. */
  String home(List<String> names) {
    StringBuilder b = new StringBuilder("<h1>Web apps</h1>");
    StringBuilder buttons = new StringBuilder();
    String prefix = namespace + ".";
    for (String name : names) {
      if (name.startsWith(prefix) && WebProxy.isAlias(name.substring(prefix.length()))) {
        String alias = name.substring(prefix.length());
        buttons.append("<a class=\"tile\" href=\"/").append(esc(alias)).append("/\" title=\"")
            .append(esc(name)).append("\">").append(esc(alias)).append("</a>");
      }
    }
    if (buttons.isEmpty()) {
      b.append("<p class=\"alert\">No web services found in <code>").append(esc(namespace))
          .append("</code>. A web app registered as <code>").append(esc(prefix))
          .append("NAME</code> is served at <code>/NAME/</code>.</p>");
    } else {
      b.append(search("Search web apps")).append("<div class=\"tiles\" data-filtered>")
          .append(buttons).append("</div>");
    }
    return Html.page("Home", "Home", stats, b.toString());
  }

  /** Registry: every service, with a search box. */
  String registry(List<String> names) {
    StringBuilder b = new StringBuilder("<h1>Registry</h1>");
    if (names.isEmpty()) {
      b.append("<p class=\"alert\">No services registered.</p>");
    } else {
      b.append(search("Search services")).append("<div class=\"tiles\" data-filtered>");
      for (String name : names) {
        b.append("<a class=\"tile service\" href=\"/registry?service=").append(esc(url(name)))
            .append("\">").append(esc(name)).append("</a>");
      }
      b.append("</div>");
    }
    return Html.page("Registry", "Registry", stats, b.toString());
  }

  /** A service: its versions with their nodes, and the endpoints with their schemas. */
  String service(String name, List<Service> versions) {
    StringBuilder b = new StringBuilder("<h1 id=\"service-name\">").append(esc(name)).append("</h1>");
    b.append("<p><a class=\"button\" href=\"/call?service=").append(esc(url(name)))
        .append("\">Call this service</a></p>");
    b.append("<h2>Nodes</h2>");
    for (Service v : versions) {
      b.append("<h3>Version ").append(esc(v.version().isEmpty() ? "(none)" : v.version()))
          .append("</h3><table class=\"nodes\"><thead><tr><th>Id</th><th>Address</th>"
              + "<th>Metadata</th></tr></thead><tbody>");
      for (Node n : v.nodes()) {
        b.append("<tr><td>").append(esc(n.id())).append("</td><td>").append(esc(n.address()))
            .append("</td><td>").append(metadata(n.metadata())).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    List<Endpoint> endpoints = versions.isEmpty() ? List.of() : versions.get(0).endpoints();
    b.append("<h2>Endpoints</h2>");
    if (endpoints.isEmpty()) {
      b.append("<p class=\"muted\">No endpoints registered.</p>");
    }
    for (Endpoint e : endpoints) {
      b.append("<details class=\"endpoint\" open><summary>").append(esc(e.name()))
          .append(" <a href=\"/call?service=").append(esc(url(name))).append("&amp;endpoint=")
          .append(esc(url(e.name()))).append("\">call</a></summary><table><tbody>");
      if (!e.metadata().isEmpty()) {
        b.append("<tr><th>Metadata</th><td>").append(metadata(e.metadata())).append("</td></tr>");
      }
      b.append("<tr><th>Request</th><td><pre>").append(esc(SchemaView.render(e.request())))
          .append("</pre></td></tr><tr><th>Response</th><td><pre>")
          .append(esc(SchemaView.render(e.response()))).append("</pre></td></tr></tbody></table>")
          .append("</details>");
    }
    return Html.page(name, "Registry", stats, b.toString());
  }

  /** The call form: service, endpoint, request JSON (prefilled from the schema by the script). */
  String call(List<String> names, String service, String endpoint) {
    StringBuilder options = new StringBuilder("<option value=\"\">choose a service</option>");
    for (String n : names) {
      options.append("<option").append(n.equals(service) ? " selected" : "").append('>')
          .append(esc(n)).append("</option>");
    }
    String body = "<h1>Call</h1><div class=\"call-grid\">"
        + "<form id=\"call-form\" class=\"call\" data-endpoint=\"" + esc(endpoint) + "\">"
        + "<label>Service <select id=\"call-service\" name=\"service\">" + options + "</select></label>"
        + "<label>Endpoint <select id=\"call-endpoint\" name=\"endpoint\"></select></label>"
        + "<label id=\"call-other-label\" hidden>Endpoint name <input id=\"call-other\""
        + " placeholder=\"Handler.Method\"></label>"
        + "<label>Request <textarea id=\"call-request\" name=\"request\" rows=\"8\""
        + " spellcheck=\"false\">{}</textarea></label>"
        + "<label>Metadata <input id=\"call-metadata\" placeholder='{\"X-User-Id\": \"42\"}'></label>"
        + "<label>Timeout (seconds) <input id=\"call-timeout\" type=\"number\" min=\"0.1\""
        + " step=\"0.1\" placeholder=\"default\"></label>"
        + "<button id=\"call-submit\" type=\"submit\">Call</button></form>"
        + "<section><h2>Response <span id=\"call-latency\" class=\"muted\"></span></h2>"
        + "<pre id=\"call-response\" class=\"response\"></pre></section></div>";
    return Html.page("Call", "Call", stats, body);
  }

  /** The in-browser CLI. */
  String cli() {
    String body = "<h1>CLI</h1><div id=\"cli\" class=\"terminal\"><pre id=\"cli-output\">"
        + "Micro CLI. Type help for the commands.\n</pre>"
        + "<form id=\"cli-form\"><span class=\"prompt\">micro:~$</span>"
        + "<input id=\"cli-input\" autocomplete=\"off\" spellcheck=\"false\" autofocus></form></div>";
    return Html.page("CLI", "CLI", stats, body);
  }

  /** The stats page; the script polls {@code /stats} as JSON every 5 seconds. */
  String stats() {
    String body = "<h1>Stats</h1><div id=\"stats\">"
        + "<h2>Info</h2><table class=\"kv\"><tbody>"
        + "<tr><th>Started</th><td id=\"stats-started\"></td></tr>"
        + "<tr><th>Uptime</th><td id=\"stats-uptime\"></td></tr>"
        + "<tr><th>Memory</th><td id=\"stats-memory\"></td></tr>"
        + "<tr><th>Threads</th><td id=\"stats-threads\"></td></tr>"
        + "<tr><th>GC</th><td id=\"stats-gc\"></td></tr></tbody></table>"
        + "<h2>Requests (last 2 minutes)</h2><table class=\"kv\"><tbody>"
        + "<tr><th>Total</th><td id=\"stats-total\"></td></tr>"
        + "<tr><th>20x</th><td id=\"stats-20x\"></td></tr>"
        + "<tr><th>30x</th><td id=\"stats-30x\"></td></tr>"
        + "<tr><th>40x</th><td id=\"stats-40x\"></td></tr>"
        + "<tr><th>50x</th><td id=\"stats-50x\"></td></tr></tbody></table>"
        + "<h2>Request load</h2><svg id=\"stats-chart\" viewBox=\"0 0 480 160\""
        + " preserveAspectRatio=\"none\"></svg></div>";
    return Html.page("Stats", "Stats", stats, body);
  }

  /** A page saying what was not found. */
  String notFound(String what) {
    return Html.page("Not found", "", stats,
        "<h1>Not found</h1><p class=\"alert\">" + esc(what) + "</p>");
  }

  /** A page for an error of the registry. */
  String error(String what) {
    return Html.page("Error", "", stats,
        "<h1>Error</h1><p class=\"alert\">" + esc(what) + "</p>");
  }

  private static String search(String placeholder) {
    return "<input class=\"search\" type=\"search\" placeholder=\"" + esc(placeholder)
        + "\" aria-label=\"" + esc(placeholder) + "\">";
  }

  private static String metadata(Map<String, String> md) {
    if (md.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("<ul class=\"md\">");
    md.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        b.append("<li>").append(esc(e.getKey())).append('=').append(esc(e.getValue())).append("</li>"));
    return b.append("</ul>").toString();
  }
}
