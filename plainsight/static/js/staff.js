/* Staff screens: small enhancements only; every screen works without this file. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select && select.id === "staff-language" && select.form) { select.form.submit(); }
  });
})();
