// Loads Pagefind's UI from this site's own pagefind/ folder; never from the network.
(function () {
  var offline = document.getElementById("search-offline");
  var missing = document.getElementById("search-missing");
  if (location.protocol === "file:") { offline.hidden = false; return; }
  var css = document.createElement("link");
  css.rel = "stylesheet"; css.href = "pagefind/pagefind-ui.css";
  document.head.appendChild(css);
  var s = document.createElement("script");
  s.src = "pagefind/pagefind-ui.js";
  s.onerror = function () { missing.hidden = false; };
  s.onload = function () {
    var ui = new PagefindUI({ element: "#search", showSubResults: true, translations: { placeholder: "搜尋手冊…" } });
    var q = new URLSearchParams(location.search).get("q");
    if (q) { ui.triggerSearch(q); }
  };
  document.head.appendChild(s);
})();
