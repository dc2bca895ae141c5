// Entry editor: add and remove citation and deadline rows (without JavaScript one blank row of each is always offered),
// the statute picker (law → article → the article's text → quote the selected words or the whole article), and a
// confirmation before forms marked data-confirm (archive, reject) are sent with confirm=1 (the server asks again
// on its own page when the field is missing).
(function () {
  var MAX_QUOTE = 60;

  function clear(row) {
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelectorAll(".picker").forEach(function (picker) { picker.hidden = true; });
  }

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

  // Statute picker, one per citation row; the shown article text is kept on the row for quoting.
  function squash(text) { return text.replace(/\s+/g, ""); }

  function status(row, message) { row.querySelector(".picker-status").textContent = message; }

  function quote(row, text) {
    var words = squash(text);
    if (!words) { status(row, "请先在上面的原文中选中要引用的文字。"); return; }
    if (words.length > MAX_QUOTE) {
      status(row, "选中的文字有 " + words.length + " 个字，引文最多 " + MAX_QUOTE + " 个字，请只选取关键的一句。");
      return;
    }
    if (words.length < 4) { status(row, "引文至少 4 个字。"); return; }
    var input = row.querySelector("[data-picker-quote]");
    input.value = words;
    status(row, "已填入引文：“" + words + "”");
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(row) {
    var law = row.querySelector("[data-picker-law]").value.trim();
    var article = row.querySelector("[data-picker-article]").value.trim();
    var picker = row.querySelector(".picker");
    var text = picker.querySelector(".article-text");
    picker.hidden = false;
    text.textContent = "";
    selected.delete(row);
    row.querySelector(".picker-actions").hidden = true;
    if (!law || !article) { status(row, "请先选择法规并填写条号。"); return; }
    status(row, "正在查找条文……");
    var url = "/admin/statutes/article?" + new URLSearchParams({ law: law, article: article }).toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) { status(row, result.body.detail || "没有找到这一条。"); return; }
        var found = result.body;
        row.querySelector("[data-picker-law]").value = found.short_name;
        row.querySelector("[data-picker-article]").value = found.article;
        text.textContent = found.text;
        row.querySelector(".picker-actions").hidden = false;
        row.querySelector("[data-picker-whole]").disabled = squash(found.text).length > MAX_QUOTE;
        status(row, "《" + found.short_name + "》" + found.article + "原文如下。选中要引用的文字后点“引用选中的文字”" +
          (squash(found.text).length > MAX_QUOTE ? "（全文超过 60 字，不能整条引用）。" : "，或点“引用全文”。"));
      })
      .catch(function () { status(row, "网络错误，请稍后再试。"); });
  }

  // The last selection made inside an article text, per row: tapping the button may clear the live selection.
  var selected = new WeakMap();
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var node = selection.getRangeAt(0).commonAncestorContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var text = element && element.closest(".article-text");
    if (text) selected.set(text.closest(".citation-row"), selection.toString());
  });
  function selectedIn(row) { return selected.get(row) || ""; }

  document.querySelectorAll(".picker-show").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    var row = target.closest(".citation-row");
    if (!row) return;
    if (target.matches("[data-picker-show]")) show(row);
    else if (target.matches("[data-picker-selection]")) quote(row, selectedIn(row));
    else if (target.matches("[data-picker-whole]")) quote(row, row.querySelector(".article-text").textContent);
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(target instanceof HTMLElement) || !target.matches("[data-picker-article]")) return;
    event.preventDefault();  // Enter in the article box shows the article instead of saving the form
    show(target.closest(".citation-row"));
  });

  // Confirmation for archive and reject.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      var field = form.querySelector("input[name=confirm]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirm";
        form.appendChild(field);
      }
      field.value = "1";
    });
  });
})();
