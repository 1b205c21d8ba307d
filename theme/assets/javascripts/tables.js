/* A table too wide for its column scrolls sideways inside mkdocs-material's wrapper
 * (div.md-typeset__scrollwrap, added by the theme's script). Such a wrapper becomes a focusable,
 * labelled region, so that a keyboard can scroll it and a screen reader says what it holds:
 * named after the heading the table sits under. A wrapper that fits loses those attributes
 * again (the check runs on load and whenever the window is resized).
 */
(function () {
  "use strict";
  function heading(element) {
    for (var node = element; node && !node.classList.contains("md-content__inner"); node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          return before.textContent.trim();
        }
      }
    }
    var title = document.querySelector(".md-content h1");
    return title ? title.textContent.trim() : document.title;
  }
  function mark() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table: " + heading(wrap) + " (scrolls sideways)");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }
  var pending = 0;
  function soon() {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  }
  window.addEventListener("load", soon);
  window.addEventListener("resize", soon);
})();
