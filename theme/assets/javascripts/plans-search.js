/* Search scoped to a police force area (`search: area` in data/settings.yml).
 *
 * mkdocs-material's script loads the version's whole search index, search/search_index.json
 * at the version's root, with XMLHttpRequest. This script, loaded just before the theme's, has
 * that one request load the index named by <meta name="plans-search-index"> instead: on an
 * area's pages, every section of the area's pages and of the home pages, and every other page
 * of the version by its title; on the home pages, their own sections and every page's title.
 * Any other request is left alone, and without the meta element (a version searched whole)
 * nothing runs.
 * The search box says what it looks through ("Search Bexmoor": the meta's data-label).
 */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="plans-search-index"]');
  var config = document.getElementById("__config");
  if (!meta || !config || typeof URL !== "function") {
    return;
  }
  var base = new URL(JSON.parse(config.textContent).base, location.href);
  var whole = new URL("search/search_index.json", base).href;
  var scoped = new URL(meta.getAttribute("content"), location.href).href;
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    var args = Array.prototype.slice.call(arguments);
    if (String(method).toUpperCase() === "GET" && new URL(String(url), location.href).href === whole) {
      args[1] = scoped;
    }
    return open.apply(this, args);
  };
  var label = meta.getAttribute("data-label");
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("input.md-search__input");
    if (box && label) {
      box.setAttribute("placeholder", label);
      box.setAttribute("aria-label", label);
    }
  });
})();
