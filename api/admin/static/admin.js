// Entry editor: add and remove citation rows (without JavaScript one blank row is always offered).
(function () {
  var rows = document.getElementById("citation-rows");
  var add = document.getElementById("add-citation");
  if (!rows || !add) return;
  function clear(row) { row.querySelectorAll("input").forEach(function (input) { input.value = ""; }); }
  rows.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-citation")) return;
    var row = event.target.closest(".citation-row");
    if (rows.children.length > 1) row.remove(); else clear(row);
  });
  add.addEventListener("click", function () {
    var row = rows.lastElementChild.cloneNode(true);
    clear(row);
    rows.appendChild(row);
    row.querySelector("input").focus();
  });
})();
