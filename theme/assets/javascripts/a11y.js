/* The year switcher's accessible name starts with what it shows (WCAG 2.5.3, Label in Name).
 * mkdocs-material draws the switcher after the page loads (it reads versions.json) and names its
 * button "Select version" whatever it shows, so a speech-input user saying "2026/27" cannot
 * reach it: here the button is named "2026/27: choose another year" once it is drawn.
 */
(function () {
  "use strict";
  function name() {
    var buttons = document.querySelectorAll(".md-version__current");
    for (var i = 0; i < buttons.length; i++) {
      var shown = buttons[i].textContent.trim();
      var wanted = shown + ": choose another year";
      if (shown && buttons[i].getAttribute("aria-label") !== wanted) {
        buttons[i].setAttribute("aria-label", wanted);
      }
    }
    return buttons.length > 0;
  }
  if (!name() && "MutationObserver" in window) {
    var watch = new MutationObserver(function () {
      if (name()) {
        watch.disconnect();
      }
    });
    watch.observe(document.documentElement, {childList: true, subtree: true});
  }
})();
