// Entry editor: add and remove citation and deadline rows (without JavaScript one blank row of each is always offered).
(function () {
  function clear(row) { row.querySelectorAll("input").forEach(function (input) { input.value = ""; }); }
  document.querySelectorAll("[data-rows]").forEach(function (group) {
    var rows = group.querySelector(".rows");
    rows.addEventListener("click", function (event) {
      if (!event.target.classList.contains("remove-row")) return;
      var row = event.target.closest(".citation-row");
      if (rows.children.length > 1) row.remove(); else clear(row);
    });
    group.querySelector(".add-row").addEventListener("click", function () {
      var row = rows.lastElementChild.cloneNode(true);
      clear(row);
      rows.appendChild(row);
      row.querySelector("input").focus();
    });
  });
})();
