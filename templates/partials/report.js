// depmap report: copy buttons, the readers/writers filter, and picture boxes that set the filter.
// No network, no external code; the page works offline and as a file:// attachment.
(function () {
  "use strict";

  function copyText(text, button) {
    function done() {
      button.textContent = "Copied";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (ignored) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () { copyText(button.getAttribute("data-copy"), button); });
  });

  function applyFilter(section) {
    var text = section.querySelector(".filter-text").value.trim().toLowerCase();
    var access = section.querySelector(".filter-access").value;
    var kind = section.querySelector(".filter-kind").value;
    var showTests = section.querySelector(".filter-tests").checked;
    var rows = section.querySelectorAll("tbody tr");
    var shown = 0;
    rows.forEach(function (row) {
      var visible = (!text || row.getAttribute("data-search").toLowerCase().indexOf(text) !== -1)
        && (!access || row.getAttribute("data-access") === access)
        && (!kind || row.getAttribute("data-kind") === kind)
        && (showTests || row.getAttribute("data-tests") !== "yes");
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    section.querySelector(".shown").textContent = shown + " of " + rows.length + " shown";
  }

  document.querySelectorAll("section.usages").forEach(function (section) {
    section.querySelector(".filter-text").addEventListener("input", function () { applyFilter(section); });
    section.querySelector(".filter-access").addEventListener("change", function () { applyFilter(section); });
    section.querySelector(".filter-kind").addEventListener("change", function () { applyFilter(section); });
    section.querySelector(".filter-tests").addEventListener("change", function () { applyFilter(section); });
    applyFilter(section);  // a reload may bring back the fields' earlier state
  });

  function showBox(box) {
    var section = document.getElementById(box.getAttribute("data-target"));
    if (!section) { return; }
    var kind = box.getAttribute("class");
    section.querySelector(".filter-text").value = box.getAttribute("data-filter");
    section.querySelector(".filter-access").value =
      kind.indexOf("box-writer") !== -1 ? "write" : kind.indexOf("box-reader") !== -1 ? "read" : "";
    applyFilter(section);
    section.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  document.querySelectorAll("svg .box").forEach(function (box) {
    box.addEventListener("click", function () { showBox(box); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showBox(box); }
    });
  });
}());
