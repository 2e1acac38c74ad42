// What readers of a docs site expect of its code and diagrams: copy buttons, highlighting and
// drawn Mermaid diagrams. The two libraries are the ones the build found installed (vendor.js
// names them, docs/site-assets.md says which); each loads only on pages that need it, and
// without them the page stays readable as it was.
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me ? me.src.replace(/assets\/docs\.js(?:[?#].*)?$/, "") : "";
  var vendor = window.OPSBOOK_VENDOR || {};

  function loadScript(path) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + path;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  // ---- copy -------------------------------------------------------------------------------

  // A transcript (any line starting with "$ ") copies its commands only: no prompts, no expected
  // output, "> " continuation lines joined back. Anything else copies as it is.
  function commandText(code) {
    var lines = code.replace(/\n$/, "").split("\n");
    if (!lines.some(function (l) { return l.startsWith("$ "); })) { return lines.join("\n"); }
    var out = [], continuing = false;
    lines.forEach(function (l) {
      if (l.startsWith("$ ")) { out.push(l.slice(2)); continuing = true; }
      else if (continuing && (l.startsWith("> ") || l === ">")) { out[out.length - 1] += "\n" + l.slice(2); }
      else { continuing = false; }
    });
    return out.join("\n");
  }

  // navigator.clipboard needs a secure context; file:// pages fall back to a hidden textarea.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed"; area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function addCopyButton(pre) {
    var code = pre.querySelector("code") || pre;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "複製";
    button.setAttribute("aria-label", pre.classList.contains("check-body") ? "複製指令" : "複製程式碼");
    button.addEventListener("click", function (e) {
      e.preventDefault(); e.stopPropagation();
      copyText(commandText(code.textContent)).then(function () { flash(button, "已複製"); },
                                                   function () { flash(button, "無法複製"); });
    });
    pre.classList.add("has-copy");
    pre.insertBefore(button, pre.firstChild);
  }

  function flash(button, word) {
    button.textContent = word;
    setTimeout(function () { button.textContent = "複製"; }, 1500);
  }

  // ---- highlighting -----------------------------------------------------------------------

  // Languages the handbook uses; promql has no highlight.js grammar and stays plain.
  var LANGUAGES = ["bash", "sh", "shell", "console", "yaml", "yml", "json", "sql", "dockerfile", "toml", "ini", "java", "python", "go", "markdown", "diff", "nginx", "xml"];

  function highlightable() {
    return Array.prototype.filter.call(document.querySelectorAll("main pre code[class*='language-']"), function (code) {
      var m = /language-([\w-]+)/.exec(code.className);
      return m && LANGUAGES.indexOf(m[1]) >= 0;
    });
  }

  function highlight(blocks) {
    if (!blocks.length || !vendor.highlight) { return; }
    loadScript(vendor.highlight).then(function () {
      if (!window.hljs) { return; }
      blocks.forEach(function (code) {
        // A check body is language-console: highlight.js's "shell" (prompts and output) by alias.
        window.hljs.highlightBlock(code);
      });
    }, function () { /* the plain text stays */ });
  }

  // ---- diagrams ---------------------------------------------------------------------------

  var FONT = '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", system-ui, sans-serif';

  // Diagrams are drawn in Mermaid's light theme on a light card, in dark mode too: the same
  // picture then prints well on paper and reads on a dark page.
  function drawDiagrams(figures) {
    if (!figures.length || !vendor.mermaid) { return; }
    loadScript(vendor.mermaid).then(function () {
      var mermaid = window.mermaid;
      if (!mermaid) { return; }
      mermaid.initialize({ startOnLoad: false, theme: "default", securityLevel: "strict", fontFamily: FONT,
                           themeVariables: { fontFamily: FONT } });
      var chain = Promise.resolve();
      figures.forEach(function (figure, i) {
        chain = chain.then(function () { return drawOne(mermaid, figure, i); });
      });
    }, function () { /* the labelled source stays */ });
  }

  function drawOne(mermaid, figure, i) {
    var source = figure.querySelector("code").textContent;
    return mermaid.render("mermaid-diagram-" + i, source).then(function (out) {
      var drawing = document.createElement("div");
      drawing.className = "mermaid-drawing";
      drawing.innerHTML = out.svg;
      var details = document.createElement("details");
      details.className = "mermaid-source-details";
      details.innerHTML = "<summary>圖表原始碼</summary>";
      details.appendChild(figure.querySelector("pre"));
      var caption = figure.querySelector("figcaption");
      if (caption) { caption.remove(); }
      figure.appendChild(drawing);
      figure.appendChild(details);
      figure.classList.add("drawn");
    }, function (err) {
      var caption = figure.querySelector("figcaption");
      if (caption) { caption.textContent = "Mermaid 圖表無法繪製：" + (err && err.message ? err.message : err); }
    });
  }

  function start() {
    document.querySelectorAll("main pre").forEach(function (pre) {
      if (pre.closest(".mermaid-diagram") || pre.classList.contains("output") || pre.classList.contains("diff")) { return; }
      addCopyButton(pre);
    });
    highlight(highlightable());
    drawDiagrams(Array.prototype.slice.call(document.querySelectorAll("figure.mermaid-diagram")));
  }

  window.opsbookDocs = { commandText: commandText };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
