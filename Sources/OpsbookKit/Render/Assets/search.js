// Search over the site's own index (search-index.js, one global), loaded by a <script> tag so it
// works from file:// as well as over HTTP. A page matches when its text contains every term of
// the query; docs/search.md says why that beats a token index for Chinese.
(function () {
  "use strict";
  var me = document.currentScript;
  // The site's root, from this script's own address: …/assets/search.js → …/
  var root = me ? me.src.replace(/assets\/search\.js(?:[?#].*)?$/, "") : "";
  var pages = null, loading = null;

  function norm(s) { return s.normalize("NFKC").toLowerCase(); }

  // Han, kana, hangul and CJK punctuation: a query switching between these and Latin letters is
  // split there too, so "k3s節點" also finds "k3s 節點".
  var CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;
  function terms(query) {
    var out = [];
    norm(query).split(/\s+/).forEach(function (word) {
      var cur = "", curCJK = null;
      for (var ch of word) {
        var isCJK = CJK.test(ch);
        if (cur && isCJK !== curCJK) { out.push(cur); cur = ""; }
        cur += ch; curCJK = isCJK;
      }
      if (cur) { out.push(cur); }
    });
    return out;
  }

  function prepare(raw) {
    return raw.pages.map(function (p, i) {
      var sections = p.s.map(function (s) {
        return { anchor: s[0], heading: s[1], text: s[2], hay: norm(s[1] + " " + s[2]) };
      });
      var all = [p.t].concat(p.s.map(function (s) { return s[1] + " " + s[2]; })).join(" ");
      return { order: i, url: p.u, title: p.t, titleHay: norm(p.t), hay: norm(all), sections: sections };
    });
  }

  function load() {
    if (loading) { return loading; }
    loading = new Promise(function (resolve) {
      if (window.OPSBOOK_SEARCH_INDEX) { resolve(pages = prepare(window.OPSBOOK_SEARCH_INDEX)); return; }
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.onload = function () { resolve(pages = window.OPSBOOK_SEARCH_INDEX ? prepare(window.OPSBOOK_SEARCH_INDEX) : null); };
      s.onerror = function () { resolve(null); };
      document.head.appendChild(s);
    });
    return loading;
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0 && n < 20) { n++; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  // Every page whose text holds every term, best first: terms in the title, then in a heading,
  // then how often they occur. Each result points at the section of its first match.
  function query(q) {
    var ts = terms(q);
    if (!pages || !ts.length) { return []; }
    var hits = [];
    pages.forEach(function (p) {
      if (!ts.every(function (t) { return p.hay.indexOf(t) >= 0; })) { return; }
      var score = 0;
      ts.forEach(function (t) {
        if (p.titleHay.indexOf(t) >= 0) { score += 100; }
        score += count(p.hay, t);
      });
      var section = p.sections.find(function (s) { return s.hay.indexOf(ts[0]) >= 0; }) || p.sections[0];
      hits.push({ page: p, section: section, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.page.order - b.page.order; });
    return hits.map(function (h) {
      var anchor = h.section && h.section.anchor ? "#" + h.section.anchor : "";
      // The snippet is made when the result is shown: a thousand hits need only eight of them.
      return {
        url: root + h.page.url + anchor, path: h.page.url, title: h.page.title,
        heading: h.section ? h.section.heading : "", section: h.section, terms: ts
      };
    });
  }

  function escapeHTML(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  // Some forty characters around the first match, matches marked. Offsets come from the
  // normalised text, so they are used only where normalising kept the length.
  function snippet(section, ts) {
    if (!section) { return ""; }
    var text = section.text, hay = norm(text);
    if (hay.length !== text.length) { return escapeHTML(text.slice(0, 80)); }
    var at = -1;
    ts.forEach(function (t) { var i = hay.indexOf(t); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
    var from = Math.max(0, at - 30), to = Math.min(text.length, Math.max(at, 0) + 60);
    var piece = text.slice(from, to), lower = hay.slice(from, to), out = "", i = 0;
    while (i < piece.length) {
      var hit = null;
      ts.forEach(function (t) { if (!hit && t && lower.startsWith(t, i)) { hit = t; } });
      if (hit) { out += "<mark>" + escapeHTML(piece.substr(i, hit.length)) + "</mark>"; i += hit.length; }
      else { out += escapeHTML(piece[i]); i++; }
    }
    return (from > 0 ? "…" : "") + out + (to < text.length ? "…" : "");
  }

  function resultItem(r) {
    var li = document.createElement("li");
    li.className = "search-result";
    var where = r.heading ? ' <span class="search-section">› ' + escapeHTML(r.heading) + "</span>" : "";
    li.innerHTML = '<a href="' + escapeHTML(r.url) + '"><span class="search-title">' + escapeHTML(r.title) + "</span>" + where +
      '</a><p class="search-snippet">' + snippet(r.section, r.terms) + "</p>";
    return li;
  }

  var MISSING = "這個網站建置時沒有產生搜尋索引（用了 --no-search？）。";

  // The search page: ?q= fills the box, and the address follows what is typed.
  function searchPage(box) {
    var input = box.querySelector("input"), status = box.querySelector(".search-status"), list = box.querySelector(".search-results");
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    document.querySelectorAll("form.search input[name=q]").forEach(function (i) { i.value = q; });
    function run() {
      var text = input.value.trim();
      try { history.replaceState(null, "", text ? "?q=" + encodeURIComponent(text) : location.pathname); } catch (e) { /* file:// may refuse */ }
      load().then(function (ready) {
        list.textContent = "";
        if (!ready) { status.textContent = MISSING; return; }
        if (!text) { status.textContent = "輸入關鍵字開始搜尋。"; return; }
        var results = query(text);
        status.textContent = results.length ? "找到 " + results.length + " 個符合「" + text + "」的頁面" : "沒有找到符合「" + text + "」的頁面。";
        results.forEach(function (r) { list.appendChild(resultItem(r)); });
      });
    }
    input.addEventListener("input", run);
    box.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  // The header box: results drop down as you type; Enter goes to the search page.
  function headerBox(form) {
    var input = form.querySelector("input[name=q]");
    var panel = document.createElement("div");
    panel.className = "search-dropdown";
    panel.hidden = true;
    form.appendChild(panel);
    input.setAttribute("autocomplete", "off");
    input.addEventListener("focus", load);
    function show() {
      var text = input.value.trim();
      if (!text) { panel.hidden = true; return; }
      load().then(function (ready) {
        panel.textContent = "";
        if (!ready) { panel.innerHTML = '<p class="search-status">' + MISSING + "</p>"; panel.hidden = false; return; }
        var results = query(text), list = document.createElement("ol");
        list.className = "search-results";
        results.slice(0, 8).forEach(function (r) { list.appendChild(resultItem(r)); });
        var more = document.createElement("p");
        more.className = "search-status";
        more.innerHTML = results.length
          ? '<a href="' + escapeHTML(form.getAttribute("action") + "?q=" + encodeURIComponent(text)) + '">全部 ' + results.length + " 個結果 →</a>"
          : "沒有找到符合「" + escapeHTML(text) + "」的頁面。";
        panel.appendChild(list);
        panel.appendChild(more);
        panel.hidden = false;
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { panel.hidden = true; }
      if (e.key === "ArrowDown") { var a = panel.querySelector("a"); if (a) { e.preventDefault(); a.focus(); } }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) { panel.hidden = true; } });
  }

  window.opsbookSearch = { load: load, query: query, terms: terms };
  function start() {
    document.querySelectorAll("form.search").forEach(headerBox);
    var box = document.getElementById("search-page");
    if (box) { searchPage(box); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
