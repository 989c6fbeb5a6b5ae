// micro web: the dashboard's only script (hand-written, no framework, no build step).
// Parts: live search of tiles, the call form, the in-browser CLI and the stats page.
"use strict";

(function () {
  // ---- JSON endpoints of the dashboard ----
  async function getJson(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.detail || r.status + " " + r.statusText);
    return body;
  }

  // POST /rpc; resolves to {ok, status, body (text), ms (round trip), server (call duration)}
  async function rpc(call) {
    const t0 = performance.now();
    const r = await fetch("/rpc", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(call),
    });
    const text = await r.text();
    return { ok: r.ok, status: r.status, body: text, ms: performance.now() - t0,
      server: r.headers.get("X-Micro-Call-Duration") };
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  async function endpointsOf(service) {
    const doc = await getJson("/registry?service=" + encodeURIComponent(service));
    const versions = doc.services || [];
    return versions.length ? (versions[0].endpoints || []) : [];
  }

  // A JSON value shaped like a registry schema (Value {name, type, values}).
  function template(v, depth) {
    depth = depth || 0;
    if (!v) return {};
    const values = v.values || [];
    if (values.length && depth < 8) {
      const o = {};
      for (const f of values) o[f.name] = template(f, depth + 1);
      return o;
    }
    const t = (v.type || "").toLowerCase();
    if (t.startsWith("[]")) return t === "[]uint8" || t === "[]byte" ? "" : [];
    if (t.startsWith("map[")) return {};
    if (t === "string") return "";
    if (t === "bool" || t === "boolean") return false;
    if (/^(u?int\d*|float\d*|double|long|short|byte|integer|number)$/.test(t)) return 0;
    return depth === 0 ? {} : null;
  }

  // ---- search boxes: filter tiles as you type ----
  for (const input of document.querySelectorAll("input.search")) {
    const tiles = input.parentElement.querySelector("[data-filtered]");
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      for (const a of tiles.children) a.hidden = q !== "" && !a.textContent.toLowerCase().includes(q);
    });
  }

  // ---- the call form ----
  const form = document.getElementById("call-form");
  if (form) {
    const service = document.getElementById("call-service");
    const endpoint = document.getElementById("call-endpoint");
    const other = document.getElementById("call-other");
    const otherLabel = document.getElementById("call-other-label");
    const request = document.getElementById("call-request");
    const metadata = document.getElementById("call-metadata");
    const timeout = document.getElementById("call-timeout");
    const out = document.getElementById("call-response");
    const latency = document.getElementById("call-latency");
    let endpoints = [];

    function prefill() {
      const e = endpoints.find((x) => x.name === endpoint.value);
      otherLabel.hidden = endpoint.value !== "";
      if (e) request.value = JSON.stringify(template(e.request), null, 2);
    }

    async function loadEndpoints(wanted) {
      endpoint.innerHTML = "";
      endpoints = [];
      if (service.value) {
        try { endpoints = await endpointsOf(service.value); } catch (e) { out.textContent = e.message; }
      }
      for (const e of endpoints) endpoint.add(new Option(e.name, e.name));
      endpoint.add(new Option("- Other", ""));
      if (wanted && endpoints.some((e) => e.name === wanted)) endpoint.value = wanted;
      else if (!endpoints.length) endpoint.value = "";
      prefill();
    }

    service.addEventListener("change", () => loadEndpoints(""));
    endpoint.addEventListener("change", prefill);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const call = { service: service.value, endpoint: endpoint.value || other.value.trim() };
      out.classList.remove("error");
      try {
        call.request = JSON.parse(request.value || "{}");
        if (metadata.value.trim()) call.metadata = JSON.parse(metadata.value);
      } catch (e) {
        out.classList.add("error");
        out.textContent = "invalid JSON: " + e.message;
        return;
      }
      if (timeout.value) call.timeout = Number(timeout.value);
      out.textContent = "calling " + call.service + " " + call.endpoint + " ...";
      latency.textContent = "";
      const r = await rpc(call).catch((e) => ({ ok: false, status: 0, body: e.message, ms: 0 }));
      out.classList.toggle("error", !r.ok);
      out.textContent = pretty(r.body);
      latency.textContent = (r.ok ? "" : "HTTP " + r.status + " · ") + r.ms.toFixed(1) + " ms"
        + (r.server ? " (call " + Number(r.server).toFixed(1) + " ms)" : "");
      latency.dataset.status = String(r.status);
    });
    loadEndpoints(form.dataset.endpoint);
  }

  // ---- the CLI ----
  const cli = document.getElementById("cli-form");
  if (cli) {
    const input = document.getElementById("cli-input");
    const output = document.getElementById("cli-output");
    const box = document.getElementById("cli");
    const history = [];
    let at = 0;
    const print = (s) => { output.textContent += s + "\n"; box.scrollTop = box.scrollHeight; };
    const help = [
      "Commands:",
      "  list services                      every registered service",
      "  get service NAME                   versions, nodes and endpoints of a service",
      "  health NAME                        Debug.Health of every node of a service",
      "  call NAME ENDPOINT [JSON]          call an endpoint (query is an alias)",
      "  clear                              clear the screen",
      "  help                               this text",
    ].join("\n");

    function schema(v, indent) {
      const values = (v && v.values) || [];
      if (!values.length) return "{}";
      let s = "{\n";
      for (const f of values) {
        s += indent + "  " + f.name + " " + f.type
          + ((f.values || []).length ? " " + schema(f, indent + "  ") : "") + "\n";
      }
      return s + indent + "}";
    }

    async function run(line) {
      const [cmd, ...args] = line.trim().split(/\s+/);
      if (cmd === "help") return print(help);
      if (cmd === "clear") { output.textContent = ""; return; }
      if (cmd === "list" && args[0] === "services") {
        const doc = await getJson("/registry");
        return print((doc.services || []).join("\n"));
      }
      if (cmd === "get" && args[0] === "service" && args[1]) {
        const doc = await getJson("/registry?service=" + encodeURIComponent(args[1]));
        const versions = doc.services || [];
        let s = "service  " + args[1] + "\n";
        for (const v of versions) {
          s += "\nversion " + (v.version || "") + "\n\nID\tAddress\tMetadata\n";
          for (const n of v.nodes || []) {
            const md = Object.entries(n.metadata || {}).map(([k, x]) => k + "=" + x).join(",");
            s += n.id + "\t" + n.address + "\t" + md + "\n";
          }
        }
        const eps = versions.length ? versions[0].endpoints || [] : [];
        for (const e of eps) {
          s += "\nEndpoint: " + e.name + "\n";
          const md = Object.entries(e.metadata || {}).map(([k, x]) => k + "=" + x).join(",");
          if (md) s += "Metadata: " + md + "\n";
          s += "Request: " + schema(e.request, "") + "\nResponse: " + schema(e.response, "") + "\n";
        }
        return print(s);
      }
      if (cmd === "health" && args[0]) {
        const doc = await getJson("/registry?service=" + encodeURIComponent(args[0]));
        for (const v of doc.services || []) {
          print("version " + (v.version || ""));
          for (const n of v.nodes || []) {
            const r = await rpc({ service: args[0], endpoint: "Debug.Health", request: {}, address: n.address });
            let status = r.ok ? (JSON.parse(r.body).status || r.body) : "HTTP " + r.status + " " + r.body;
            print(n.id + "\t" + n.address + "\t" + status);
          }
        }
        return;
      }
      if ((cmd === "call" || cmd === "query") && args.length >= 2) {
        const json = line.trim().split(/\s+/).slice(3).join(" ") || "{}";
        let request;
        try { request = JSON.parse(json); } catch (e) { return print("invalid JSON: " + e.message); }
        const r = await rpc({ service: args[0], endpoint: args[1], request });
        return print(pretty(r.body));
      }
      print((cmd || "") + ": command not found\n" + help);
    }

    cli.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const line = input.value;
      input.value = "";
      print("micro:~$ " + line);
      if (!line.trim()) return;
      history.push(line);
      at = history.length;
      input.disabled = true;
      try { await run(line); } catch (e) { print("error: " + e.message); }
      input.disabled = false;
      input.focus();
      output.dataset.done = String(history.length);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowUp" && at > 0) { input.value = history[--at]; ev.preventDefault(); }
      if (ev.key === "ArrowDown" && at < history.length) { input.value = history[++at] || ""; ev.preventDefault(); }
    });
  }

  // ---- stats ----
  const chart = document.getElementById("stats-chart");
  if (chart) {
    const set = (id, v) => { document.getElementById(id).textContent = v; };
    async function refresh() {
      let s;
      try { s = await getJson("/stats"); } catch (e) { return; }
      const started = new Date(s.started * 1000);
      set("stats-started", started.toLocaleString());
      set("stats-uptime", Math.round((Date.now() - started) / 1000) + " s");
      set("stats-memory", s.memory);
      set("stats-threads", s.threads);
      set("stats-gc", s.gc_pause);
      const sum = { total: 0, "20x": 0, "30x": 0, "40x": 0, "50x": 0 };
      for (const c of s.counters) {
        sum.total += c.total_reqs;
        for (const k of ["20x", "30x", "40x", "50x"]) sum[k] += c.status_codes[k] || 0;
      }
      for (const k of Object.keys(sum)) set("stats-" + k, sum[k]);
      const series = { "20x": "#16a34a", "40x": "#d97706", "50x": "#dc2626" };
      const max = Math.max(1, ...s.counters.map((c) => c.total_reqs));
      const n = Math.max(2, s.counters.length);
      let svg = "";
      for (const [k, color] of Object.entries(series)) {
        const pts = s.counters.map((c, i) => (i * 480 / (n - 1)).toFixed(1) + ","
          + (150 - (c.status_codes[k] || 0) * 140 / max).toFixed(1)).join(" ");
        svg += '<polyline fill="none" stroke-width="2" stroke="' + color + '" points="' + pts + '"/>';
      }
      chart.innerHTML = svg;
    }
    refresh();
    setInterval(refresh, 5000);
  }
})();
