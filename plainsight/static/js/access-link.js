// One-time access links carry their secret after "#", which browsers never send to the
// server (so it cannot reach access logs or Referer headers). This script copies it into
// the form field named "link_secret" and removes it from the address bar and history.
// Without JavaScript the person pastes the code from the link into that field instead.
(function () {
  "use strict";
  var secret = window.location.hash.replace(/^#/, "");
  if (!/^[A-Za-z0-9_-]{64}$/.test(secret)) {
    return;
  }
  var fields = document.querySelectorAll('input[name="link_secret"]');
  for (var i = 0; i < fields.length; i++) {
    fields[i].value = secret;
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
