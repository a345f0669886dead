/* Find help: small enhancements; every feature works without this file.
   - A search sent with JavaScript on replaces the results in place (fetch, POST), so no
     form page is kept in the browser's history and Back or reload never offers to
     "resubmit" it. The address then says what the page shows, as without JavaScript:
     a search by filters alone gets the server's shareable address (the server answered
     the POST with a redirect to it), which can be copied, bookmarked or reloaded; a
     search with words gets the plain address of the form, never the words. The address
     replaces the current history entry (no entry is added) and carries no state (null):
     nothing typed is stored, in the history or anywhere else (no local storage). The
     links to the other languages are taken from the answer too (its filters, no words).
   - "Copy link" and "Print" buttons (hidden until this file runs). */
(function () {
  "use strict";

  function showAddress(response, form) {
    if (!window.history.replaceState) { return; }
    var url = new URL(response.redirected ? response.url : form.action, window.location.href);
    // Only this site's own address, and never one that carries words.
    if (url.origin !== window.location.origin || url.searchParams.has("q")) { return; }
    url.hash = "";
    if (url.href !== window.location.href) { window.history.replaceState(null, "", url.href); }
  }

  function swapFrom(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { return false; }
    main.replaceChildren.apply(main, Array.prototype.map.call(fresh.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    // The other languages' links: to these filters (the server leaves out the words).
    var languages = doc.querySelector("nav.languages");
    var shown = document.querySelector("nav.languages");
    if (languages && shown) {
      shown.replaceChildren.apply(shown, Array.prototype.map.call(languages.childNodes,
        function (node) { return document.importNode(node, true); }));
    }
    // A field to correct takes the focus itself: its error is read with it (its
    // aria-describedby), where focus on the page's heading said nothing of a mistake.
    var mistake = !main.querySelector("[role=alert]") && main.querySelector("[aria-invalid=true]");
    if (mistake) {
      mistake.focus();
      return true;
    }
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
    var address = new URL(form.action, window.location.href);
    address.hash = "";  // "#results" is for the page without this script
    fetch(address.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "follow"
    }).then(function (response) {
      return response.text().then(function (html) {
        if (!swapFrom(html)) { form.submit(); return; }
        showAddress(response, form);
      });
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
