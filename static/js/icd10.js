// Type-ahead for ICD-10-CM codes: fills a <datalist> and shows descriptions.
// Progressive enhancement: without JavaScript the server validates and describes codes.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.url;
  var input = document.getElementById("id_diagnosis_codes");
  var list = document.getElementById("icd10-suggestions");
  var out = document.getElementById("icd10-descriptions");
  if (!url || !input || !list) { return; }
  var timer = null;
  var known = {};
  function lastToken() {
    var parts = input.value.split(/[\s,]+/);
    return parts[parts.length - 1] || "";
  }
  function describe() {
    var codes = input.value.toUpperCase().split(/[\s,]+/).filter(Boolean);
    out.textContent = codes.map(function (c) { return known[c] ? c + ": " + known[c] : ""; })
      .filter(Boolean).join(" · ");
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var token = lastToken();
    if (token.length < 2) { describe(); return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(token), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren();
          var prefix = input.value.slice(0, input.value.length - token.length);
          data.results.forEach(function (item) {
            known[item.code] = item.description;
            var option = document.createElement("option");
            option.value = prefix + item.code;
            option.label = item.code + " " + item.description;
            list.appendChild(option);
          });
          describe();
        });
    }, 200);
  });
})();
