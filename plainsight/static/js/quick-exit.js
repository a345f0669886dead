/* Quick exit: leave at once and leave nothing to go Back to.
   Without JavaScript the button is a plain link. With it, the click (or Esc pressed
   three times within two seconds) replaces this page in the history, so Back does not
   return here. */
(function () {
  "use strict";
  var button = document.querySelector("[data-quick-exit]");
  if (!button) { return; }
  var target = button.getAttribute("href");
  var hint = document.querySelector("[data-quick-exit-hint]");
  if (hint) { hint.hidden = false; }

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(target);
  }

  button.addEventListener("click", leave);

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
})();
