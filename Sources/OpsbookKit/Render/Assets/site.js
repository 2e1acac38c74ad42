// The site's only script. Everything works without it; with it:
// - on a phone the navigation is a menu behind a button instead of a list after the footer;
// - the on-page contents start folded below 1100 px;
// - "N 小時前" and the local time are redone with the reader's own clock and time zone;
// - a link to a criterion inside a folded list opens the list.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (button && nav) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = !root.classList.contains("nav-open");
      root.classList.toggle("nav-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var current = nav.querySelector("[aria-current=page]") || nav.querySelector("a");
        if (current) { current.focus(); }
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && root.classList.contains("nav-open")) {
        root.classList.remove("nav-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  var toc = document.querySelector("details.toc");
  if (toc && window.matchMedia("(max-width: 1100px)").matches) { toc.open = false; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function ago(ms) {
    var minutes = Math.floor(ms / 60000);
    if (minutes < 1) { return "剛剛"; }
    if (minutes < 60) { return minutes + " 分鐘前"; }
    if (minutes < 48 * 60) { return Math.floor(minutes / 60) + " 小時前"; }
    return Math.floor(minutes / 1440) + " 天前";
  }
  document.querySelectorAll("time[data-ago]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) { return; }
    var off = -d.getTimezoneOffset();
    var zone = off === 0 ? "UTC" : "UTC" + (off < 0 ? "-" : "+") + pad(Math.floor(Math.abs(off) / 60)) + ":" + pad(Math.abs(off) % 60);
    t.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + zone;
    var label = t.parentNode.querySelector(".ago");
    if (label) { label.textContent = ago(Date.now() - d.getTime()); }
  });

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  // On paper every check's evidence shows: open every fold before printing, restore after.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; reopened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });

  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
