// 有用/没用 under an answer: one verdict per answer, which the user may change (the server keeps the latest).
// The chosen button is marked with "✓" and aria-pressed; a short status line says what was recorded.
import { button, el, markChosen } from "./dom.js";

const CHOICES = [["有用", "useful"], ["没用", "not_useful"]];
const NAMES = { useful: "有用", not_useful: "没用" };

// item: the answer's history item (its verdict is kept there); send(value) stores the verdict, save() the history.
export function feedbackButtons(item, send, save) {
  const box = el("div", "feedback");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "这个回答对您有用吗？");
  box.appendChild(el("span", "feedback-label", "这个回答有用吗？"));
  const status = el("span", "thanks");
  status.setAttribute("role", "status");
  const buttons = CHOICES.map(function (pair) {
    const node = button("", pair[0]);
    node.dataset.value = pair[1];
    markChosen(node, item.verdict === pair[1]);
    node.addEventListener("click", async function () {
      if (item.verdict === pair[1]) return;
      const changed = Boolean(item.verdict);
      buttons.forEach(function (b) { b.disabled = true; });
      try {
        await send(pair[1]);
        item.verdict = pair[1];
        save();
        buttons.forEach(function (b) { markChosen(b, b === node); });
        status.textContent = changed ? "已改为“" + NAMES[pair[1]] + "”，感谢您的反馈！" : "感谢您的反馈！";
      } catch (err) {
        status.textContent = "反馈提交失败，请稍后再试。";
      } finally {
        buttons.forEach(function (b) { b.disabled = false; });
      }
    });
    box.appendChild(node);
    return node;
  });
  box.appendChild(status);
  return box;
}
