// The web interface's one script: it turns forms into the JSON the
// service's API takes, posts it (case data only ever in a POST body, never
// in an address), and shows what comes back. The pages work without it
// where they can (the explorer is plain links and GET forms).
"use strict";
(function () {
  var body = document.body;
  var lang = body.getAttribute("data-lang") || "nl";
  var msgs = {};
  try { msgs = JSON.parse(body.getAttribute("data-msgs") || "{}"); } catch (e) { msgs = {}; }
  function t(key) { return msgs[key] || key; }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // post sends JSON and answers {ok, status, type, json, text}.
  function post(url, data) {
    return fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data), credentials: "same-origin", cache: "no-store"
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      return r.text().then(function (text) {
        var out = { ok: r.ok, status: r.status, type: type, text: text, json: null };
        if (type.indexOf("json") >= 0) { try { out.json = JSON.parse(text); } catch (e) { out.json = null; } }
        return out;
      });
    });
  }

  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type || "text/plain" }));
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // problemBox draws an RFC 9457 problem with its field problems.
  function problemBox(p) {
    var box = el("div", { "class": "problem", role: "alert" });
    var head = el("p");
    head.appendChild(el("strong", {}, (p && p.title) || t("failed")));
    head.appendChild(document.createTextNode(": " + ((p && p.detail) || "")));
    box.appendChild(head);
    if (p && p.errors && p.errors.length) {
      var ul = el("ul");
      p.errors.forEach(function (e) {
        var where = [e.file, e.line ? t("line") + " " + e.line : "", e.field, e.id].filter(Boolean).join(" ");
        ul.appendChild(el("li", {}, (where ? where + ": " : "") + e.message));
      });
      box.appendChild(ul);
    }
    return box;
  }

  function show(target, answer) {
    if (answer.type.indexOf("text/html") === 0) {
      target.innerHTML = answer.text; // drawn by the server's html/template: escaped there
    } else {
      target.textContent = "";
      target.appendChild(problemBox(answer.json || { detail: answer.text }));
    }
  }

  // ---- the case evaluator ----
  var caseForm = $("#case-form");
  if (caseForm) { caseEvaluator(caseForm); }

  function setPath(obj, path, value) {
    var parts = path.split(".");
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      if (!o[parts[i]]) { o[parts[i]] = {}; }
      o = o[parts[i]];
    }
    o[parts[parts.length - 1]] = value;
  }
  function getPath(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }
  function splitList(v) { return v.split(",").map(function (s) { return s.trim(); }).filter(Boolean); }

  // readField reads one input as the case document wants it: undefined
  // when empty, an Error when it cannot be read.
  function readField(input) {
    var v = input.value.trim();
    if (v === "") { return undefined; }
    switch (input.getAttribute("data-kind")) {
      case "bool": return v === "true";
      case "integer":
        if (!/^-?[0-9]+$/.test(v)) { return new Error(t("invalid")); }
        return parseInt(v, 10);
      case "decimal":
        if (!/^-?[0-9]+(\.[0-9]+)?$/.test(v)) { return new Error(t("invalid")); }
        return v;
      case "list": case "dates": return splitList(v);
      case "integers":
        var xs = splitList(v);
        if (xs.some(function (x) { return !/^-?[0-9]+$/.test(x); })) { return new Error(t("invalid")); }
        return xs.map(function (x) { return parseInt(x, 10); });
      case "months":
        var m = {};
        var bad = false;
        v.split("\n").forEach(function (line) {
          line = line.trim();
          if (!line) { return; }
          var mm = /^([0-9]{4}-[0-9]{2})\s*[:=]\s*(-?[0-9]+)$/.exec(line);
          if (!mm) { bad = true; return; }
          m[mm[1]] = parseInt(mm[2], 10);
        });
        return bad ? new Error(t("invalid")) : m;
      case "records":
        var items = input.getAttribute("data-items").split(",");
        return v.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).map(function (line) {
          var parts = line.split(/\s+/);
          var rec = {};
          items.forEach(function (k, i) { if (parts[i] !== undefined) { rec[k] = parts[i]; } });
          return rec;
        });
      default: return v;
    }
  }

  function writeField(input, value) {
    if (value === undefined || value === null) { input.value = ""; return; }
    switch (input.getAttribute("data-kind")) {
      case "bool": input.value = value ? "true" : "false"; return;
      case "list": case "dates": case "integers": input.value = value.join(", "); return;
      case "months":
        input.value = Object.keys(value).sort().map(function (k) { return k + ": " + value[k]; }).join("\n");
        return;
      case "records":
        var items = input.getAttribute("data-items").split(",");
        input.value = value.map(function (r) { return items.map(function (k) { return r[k] === undefined ? "" : r[k]; }).join(" "); }).join("\n");
        return;
      default: input.value = String(value);
    }
  }

  function caseEvaluator(form) {
    var inputs = $all("[data-kind]", form);
    var dateInput = $("#decision-date", form);
    var errors = $("#case-errors", form);
    var result = $("#result");

    function clearErrors() {
      inputs.concat([dateInput]).forEach(function (i) {
        i.removeAttribute("aria-invalid");
        var e = document.getElementById(i === dateInput ? "e-date" : "e-" + i.id);
        if (e) { e.textContent = ""; }
      });
      errors.textContent = "";
    }
    function fieldError(input, message) {
      input.setAttribute("aria-invalid", "true");
      var e = document.getElementById(input === dateInput ? "e-date" : "e-" + input.id);
      if (e) { e.textContent = message; }
    }
    // collect reads the form; local problems are marked on their fields.
    function collect() {
      var c = {};
      var bad = false;
      inputs.forEach(function (i) {
        var v = readField(i);
        if (v instanceof Error) { fieldError(i, v.message); bad = true; return; }
        if (v !== undefined) { setPath(c, i.name, v); }
      });
      return { "case": c, bad: bad };
    }
    function request(c) {
      var r = { "case": c };
      if (dateInput.value) { r.date = dateInput.value; }
      return r;
    }
    // markServer puts each of the service's field problems on its field:
    // case.person.income on person.income, case.trajectory.hours.2024-13
    // on trajectory.hours.
    function markServer(list) {
      var ul = el("ul");
      list.forEach(function (p) {
        var path = (p.field || "").replace(/^case\.?/, "");
        var input = null;
        if (p.field === "date") { input = dateInput; }
        while (!input && path) {
          input = form.querySelector('[name="' + path.replace(/"/g, "") + '"]');
          if (!input) { path = path.indexOf(".") >= 0 ? path.slice(0, path.lastIndexOf(".")) : ""; }
        }
        if (input) { fieldError(input, p.message); } else { ul.appendChild(el("li", {}, (p.field ? p.field + ": " : "") + p.message)); }
      });
      if (ul.children.length) { errors.appendChild(ul); }
    }
    var check = debounce(function () {
      clearErrors();
      var c = collect();
      if (c.bad) { return; }
      post("/v1/cases/check", request(c["case"])).then(function (a) {
        if (a.json && a.json.errors) { markServer(a.json.errors); } else if (!a.ok) { errors.appendChild(problemBox(a.json)); }
      });
    }, 350);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
    form.addEventListener("reset", function () { setTimeout(function () { clearErrors(); }, 0); });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors();
      var c = collect();
      if (c.bad) { return; }
      var r = request(c["case"]);
      r.lang = lang;
      result.setAttribute("aria-busy", "true");
      result.textContent = t("deciding");
      post("/ui/decide", r).then(function (a) {
        result.removeAttribute("aria-busy");
        show(result, a); // a problem comes as a fragment that lists it
        var h = $("h3", result);
        if (h) { h.setAttribute("tabindex", "-1"); }
      });
    });

    $("#download-case").addEventListener("click", function () {
      clearErrors();
      var c = collect();
      if (c.bad) { return; }
      post("/v1/cases/check", request(c["case"])).then(function (a) {
        if (!a.json || !a.json.valid) { markServer((a.json && a.json.errors) || []); return; }
        var text = a.json.yaml;
        if (dateInput.value) { text = "date: " + dateInput.value + "\ncase:\n" + text.replace(/^(?=.)/gm, "  "); }
        download("case.yaml", text, "application/yaml");
      });
    });
    $("#download-scenario").addEventListener("click", function () {
      clearErrors();
      var c = collect();
      if (c.bad) { return; }
      var r = request(c["case"]);
      r.name = "case";
      post("/v1/cases/scenario", r).then(function (a) {
        if (!a.ok) { errors.appendChild(problemBox(a.json)); if (a.json && a.json.errors) { markServer(a.json.errors); } return; }
        download("scenario.yaml", a.text, "application/yaml");
      });
    });
    $("#read-case").addEventListener("click", function () {
      var out = $("#case-text-errors");
      out.textContent = "";
      post("/v1/cases/check", { document: $("#case-text").value }).then(function (a) {
        if (!a.json) { out.appendChild(problemBox({ detail: a.text })); return; }
        if (!a.json.valid) {
          var ul = el("ul");
          (a.json.errors || []).forEach(function (p) {
            ul.appendChild(el("li", {}, (p.line ? t("line") + " " + p.line + ": " : "") + (p.field ? p.field + ": " : "") + p.message));
          });
          out.appendChild(ul);
          return;
        }
        form.reset();
        inputs.forEach(function (i) { writeField(i, getPath(a.json["case"], i.name)); });
        if (a.json.date) { dateInput.value = a.json.date; }
        check();
      });
    });
  }

  // ---- the reform lab ----
  var reformForm = $("#reform-form");
  if (reformForm) { reformLab(reformForm); }

  function yamlString(s) { return JSON.stringify(s); } // a JSON string is a YAML double-quoted scalar
  function yamlSingle(s) { return "'" + s.replace(/'/g, "''") + "'"; }

  function reformLab(form) {
    var rules = JSON.parse(form.getAttribute("data-rules") || "{}");
    var defaultFrom = form.getAttribute("data-from");
    var params = {};
    var list = $("#param-changes");
    var rowTemplate = $("#param-row");
    var editor = $("#rules-editor");
    var gutter = $("#gutter");
    var yamlOut = $("#reform-yaml");
    var status = $("#lint-status");
    var problems = $("#lint-problems");
    var layout = { offset: 0, setStart: 0, rows: [] };
    var rowCount = 0;
    var composed = "";

    fetch("/v1/parameters", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (d) {
      (d.parameters || []).forEach(function (p) { params[p.id] = p; });
      $all(".change", list).forEach(describe);
    });

    function current(p, day) {
      var v = null;
      (p.values || []).forEach(function (x) { if (x.from <= day && (!x.to || day <= x.to)) { v = x; } });
      return v;
    }
    function describe(row) {
      var id = $(".p-id", row).value.trim();
      var now = $(".p-now", row);
      var p = params[id];
      if (!id) { now.textContent = ""; return; }
      if (!p) { now.textContent = Object.keys(params).length ? t("unknown") : ""; return; }
      var day = $(".p-from", row).value || new Date().toISOString().slice(0, 10);
      var v = current(p, day);
      now.textContent = t("now") + ": " + (v ? JSON.stringify(v.value) : "—") + (p.unit ? " " + p.unit : "") + " · " + p.type;
    }
    function addRow() {
      rowCount++;
      var row = rowTemplate.content.firstElementChild.cloneNode(true);
      $all("input", row).forEach(function (input) {
        var id = input.className.replace("p-", "p" + rowCount + "-");
        input.id = id;
        input.previousElementSibling.setAttribute("for", id);
      });
      $(".p-from", row).value = defaultFrom;
      $(".p-remove", row).addEventListener("click", function () { row.remove(); update(); });
      row.addEventListener("input", function () { describe(row); });
      list.appendChild(row);
      return row;
    }
    $("#add-param").addEventListener("click", function () { var r = addRow(); $(".p-id", r).focus(); });
    addRow();

    function valueYAML(id, v) {
      var p = params[id];
      var kind = p ? p.type : "";
      if (kind === "list") { return "[" + splitList(v).map(yamlString).join(", ") + "]"; }
      if (kind === "string") { return yamlString(v); }
      if (/^-?[0-9]+(\.[0-9]+)?$/.test(v) || /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v) || v === "true" || v === "false") { return v; }
      return yamlString(v);
    }
    // compose writes the reform file: the header, the parameter changes,
    // then the editor's text, remembering on which line each part starts.
    function compose() {
      var lines = ["reform: " + yamlString($("#reform-name").value), "cite: " + yamlString($("#reform-cite").value)];
      layout.rows = [];
      var rows = $all(".change", list).filter(function (r) { return $(".p-id", r).value.trim() !== ""; });
      if (rows.length) {
        lines.push("set:");
        layout.setStart = lines.length + 1;
        rows.forEach(function (r) {
          layout.rows.push(r);
          var id = $(".p-id", r).value.trim();
          lines.push("  - param: " + id);
          lines.push("    from: " + ($(".p-from", r).value || defaultFrom));
          lines.push("    value: " + valueYAML(id, $(".p-value", r).value.trim()));
        });
      }
      layout.offset = lines.length;
      var text = lines.join("\n") + "\n";
      if (editor.value.trim() !== "") { text += editor.value.replace(/\s*$/, "") + "\n"; }
      return text;
    }
    function drawGutter(marks) {
      var n = editor.value.split("\n").length;
      gutter.textContent = "";
      for (var i = 1; i <= n; i++) {
        var line = el("span", { "class": marks && marks[i] ? "mark" : "" }, String(i));
        if (marks && marks[i]) { line.setAttribute("title", marks[i]); }
        gutter.appendChild(line);
        gutter.appendChild(document.createTextNode("\n"));
      }
      gutter.scrollTop = editor.scrollTop;
    }
    editor.addEventListener("scroll", function () { gutter.scrollTop = editor.scrollTop; });

    function goToLine(n) {
      var lines = editor.value.split("\n");
      var pos = 0;
      for (var i = 0; i < n - 1 && i < lines.length; i++) { pos += lines[i].length + 1; }
      editor.focus();
      editor.setSelectionRange(pos, pos + (lines[n - 1] || "").length);
    }

    function showLint(res) {
      problems.textContent = "";
      $all(".p-err", list).forEach(function (e) { e.textContent = ""; });
      var marks = {};
      var all = (res.errors || []).map(function (p) { p.sev = "error"; return p; })
        .concat((res.warnings || []).filter(function (p) { return p.file === "reform.yaml"; }).map(function (p) { p.sev = "warning"; return p; }));
      all.forEach(function (p) {
        var li = el("li", { "class": p.sev });
        if (p.line > layout.offset) {
          var n = p.line - layout.offset;
          marks[n] = p.message;
          var b = el("button", { type: "button", "class": "linkish" }, t("line") + " " + n + (p.column ? ":" + p.column : ""));
          b.addEventListener("click", function () { goToLine(n); });
          li.appendChild(b);
          li.appendChild(document.createTextNode(" " + (p.id ? p.id + ": " : "") + p.message));
        } else if (p.line >= layout.setStart && layout.rows.length) {
          var row = layout.rows[Math.min(Math.floor((p.line - layout.setStart) / 3), layout.rows.length - 1)];
          $(".p-err", row).textContent = p.message;
          li.textContent = (p.id ? p.id + ": " : "") + p.message;
        } else {
          li.textContent = (p.line ? t("reformline") + " " + p.line + ": " : "") + (p.id ? p.id + ": " : "") + p.message;
        }
        problems.appendChild(li);
      });
      drawGutter(marks);
      editor.setAttribute("aria-invalid", Object.keys(marks).length ? "true" : "false");
      var nerr = (res.errors || []).length;
      status.className = "status " + (nerr ? "warn" : "ok");
      status.textContent = nerr ? nerr + " " + t("problems") : t("noproblem") + (res.warnings && res.warnings.length ? " (" + res.warnings.length + " " + t("warnings") + ")" : "");
    }
    var lint = debounce(function () {
      var text = composed;
      status.className = "status";
      status.textContent = t("checking");
      post("/v1/lint", { reforms: [{ name: "reform.yaml", content: text }] }).then(function (a) {
        if (text !== composed) { return; } // typed on since
        if (a.json && a.json.errors) { showLint(a.json); } else { status.textContent = ""; problems.textContent = ""; problems.appendChild(problemBox(a.json)); }
      });
    }, 400);
    function update() {
      composed = compose();
      yamlOut.textContent = composed;
      drawGutter(null);
      lint();
    }
    form.addEventListener("input", function (ev) { if (ev.target.type !== "file" && ev.target.type !== "radio") { update(); } });
    update();

    $("#rule-insert").addEventListener("click", function () {
      var id = $("#rule-pick").value;
      var r = rules[id];
      if (!r) { return; }
      var entry = "  - id: " + id + "\n    from: " + defaultFrom + "\n" +
        (r.When ? "    when: " + yamlSingle(r.When) + "\n" : "    value: " + yamlSingle(r.Value) + "\n");
      var text = editor.value;
      if (/^replace_rules:\s*$/m.test(text)) {
        text = text.replace(/^replace_rules:\s*$/m, function (m) { return m + "\n" + entry.replace(/\n$/, ""); });
      } else {
        text = text.replace(/\s*$/, "") + (text.trim() ? "\n" : "") + "replace_rules:\n" + entry;
      }
      editor.value = text;
      update();
      editor.focus();
    });

    $("#download-reform").addEventListener("click", function () { download("reform.yaml", compose(), "application/yaml"); });

    var report = $("#report");
    var reportStatus = $("#report-status");
    report.addEventListener("load", function () {
      try { report.style.height = (report.contentDocument.documentElement.scrollHeight + 20) + "px"; } catch (e) { /* a sandbox without access */ }
    });
    function readPopulation() {
      if (!$("#pop-upload").checked) { return Promise.resolve(null); }
      var f = $("#pop-file").files[0];
      if (!f) { return Promise.reject(new Error(t("nofile"))); }
      return f.text().then(function (text) {
        var trimmed = text.trim();
        if (trimmed.charAt(0) === "[") { return JSON.parse(trimmed); }
        return trimmed.split("\n").filter(function (l) { return l.trim(); }).map(function (l) { return JSON.parse(l); });
      });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      reportStatus.className = "status";
      reportStatus.textContent = t("comparing");
      readPopulation().then(function (pop) {
        var req = { reforms: [{ name: "reform.yaml", content: compose() }] };
        if (pop) { req.population = pop; } else { req.sample = true; }
        return post("/v1/compare?format=html&lang=" + lang, req);
      }).then(function (a) {
        if (a.ok && a.type.indexOf("text/html") === 0) {
          report.srcdoc = a.text; // compare's own self-contained page: no scripts (the sandbox allows none)
          report.hidden = false;
          reportStatus.className = "status ok";
          reportStatus.textContent = t("reportdone");
        } else {
          report.hidden = true;
          reportStatus.className = "status warn";
          reportStatus.textContent = "";
          reportStatus.appendChild(problemBox(a.json || { detail: a.text }));
        }
      }).catch(function (e) {
        reportStatus.className = "status warn";
        reportStatus.textContent = t("failed") + ": " + e.message;
      });
    });
  }

  // ---- the scenario runner ----
  var scenarioForm = $("#scenario-form");
  if (scenarioForm) { scenarioRunner(scenarioForm); }

  function scenarioRunner(form) {
    var out = $("#runner-result");
    function files() {
      var chosen = Array.prototype.slice.call($("#scenario-files").files || []);
      return Promise.all(chosen.map(function (f) {
        return f.text().then(function (text) { return { name: f.name, content: text }; });
      })).then(function (list) {
        var pasted = $("#scenario-text").value;
        if (pasted.trim()) { list.push({ name: "pasted.yaml", content: pasted }); }
        return list;
      });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      out.textContent = t("running");
      files().then(function (list) {
        return post("/ui/scenarios", { files: list, lang: lang });
      }).then(function (a) { show(out, a); });
    });
    $("#download-junit").addEventListener("click", function () {
      files().then(function (list) {
        return post("/v1/scenarios/run?format=junit", { files: list });
      }).then(function (a) {
        if (a.ok) { download("junit.xml", a.text, "application/xml"); } else { out.textContent = ""; out.appendChild(problemBox(a.json)); }
      });
    });
  }
})();
