// One-time access links carry their code after "#", which browsers never send to the
// server (so it cannot reach access logs or Referer headers). This script removes the
// code from the address bar and the history at once, copies it into the form marked
// data-access-code and sends that form (a POST: the code never appears in a URL the
// server sees). Without JavaScript the person pastes the code into the same form.
(function () {
  "use strict";
  var code = window.location.hash.replace(/^#/, "");
  if (code && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  if (!/^[A-Za-z0-9_.-]{20,300}$/.test(code)) {
    return;
  }
  var form = document.querySelector("form[data-access-code]");
  var field = form && form.querySelector('input[name="code"]');
  if (!field || field.value) {
    return;
  }
  field.value = code;
  if (form.requestSubmit) {
    form.requestSubmit();
  } else {
    form.submit();
  }
})();
