// Building page elements. Text is always set with textContent, never parsed as HTML, so a "<script>" in a
// message is shown as text.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(className, text) {
  const node = el("button", className, text);
  node.type = "button";
  return node;
}

// Text that only screen readers read (e.g. who said a message, which the page otherwise shows by colour and side).
export function screenReaderText(text) {
  return el("span", "sr-only", text);
}

// Marks a button of a row as the chosen one, in words and shape as well as colour: a "✓" before its title.
export function markChosen(node, chosen) {
  node.setAttribute("aria-pressed", String(chosen));
  node.classList.toggle("chosen", chosen);
  const mark = node.querySelector(".mark") || node.insertBefore(el("span", "mark"), node.firstChild);
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = chosen ? "✓ " : "";
}
