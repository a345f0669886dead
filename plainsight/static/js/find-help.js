/* Find help: small enhancements; every feature works without this file.
   - A search sent with JavaScript on replaces the results in place (fetch, POST), so no
     form page is kept in the browser's history and Back or reload never offers to
     "resubmit" it. Nothing is stored: no history state, no local storage.
   - "Copy link" and "Print" buttons (hidden until this file runs). */
(function () {
  "use strict";

  function swapFrom(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { return false; }
    main.replaceChildren.apply(main, Array.prototype.map.call(fresh.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    var heading = document.getElementById("results-heading") ||
      main.querySelector("[role=alert]") || main.querySelector("h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
      heading.focus();
    }
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute("data-find-help") || !window.fetch) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "follow"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (!swapFrom(html)) { form.submit(); }
    }).catch(function () {
      form.removeAttribute("aria-busy");
      form.submit();
    });
  });

  function enhance() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          var status = document.querySelector("[data-copy-status]");
          if (status) { status.textContent = button.getAttribute("data-copied"); }
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  enhance();
})();
