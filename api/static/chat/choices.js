// A reply's choice buttons. One choice per row: once a button is chosen the row is locked, so an old choice cannot
// be sent again; the chosen one is marked with "✓" (not by colour alone) and aria-pressed.
import { button, el, markChosen } from "./dom.js";

function lock(box, chosen) {
  box.querySelectorAll("button").forEach(function (other) { other.disabled = true; });
  markChosen(chosen, true);
}

// chosen: the index of the button chosen earlier (a restored history), or undefined; onChoose(button, index).
export function choiceButtons(buttons, chosen, onChoose) {
  const box = el("div", "choices");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "可选的回复");
  buttons.forEach(function (choice, index) {
    const node = button("", choice.title);
    node.addEventListener("click", function () {
      lock(box, node);
      onChoose(choice, index);
    });
    box.appendChild(node);
  });
  if (chosen !== undefined && box.children[chosen]) lock(box, box.children[chosen]);
  return box;
}
