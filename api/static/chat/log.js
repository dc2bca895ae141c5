// The message log: rows of bubbles after the welcome, each row saying to screen readers who spoke; phone numbers in
// the bot's bubbles are tap-to-call links.
import { el, screenReaderText } from "./dom.js";
import { withPhoneLinks } from "./phones.js";

const SPEAKERS = { user: "您说：", bot: "法润：", error: "提示：" };

export class MessageLog {
  constructor(node) {
    this.node = node;
  }

  // A new row at the end; who is "user", "bot" or "error", with extra classes after a space ("bot typing").
  // Returns the bubble.
  add(who, text) {
    const row = el("div", "msg " + who);
    row.appendChild(screenReaderText(SPEAKERS[who.split(" ")[0]]));
    const body = el("div", "bubble");
    body.appendChild(who.startsWith("bot") ? withPhoneLinks(text) : document.createTextNode(text)); // tap to call
    row.appendChild(body);
    this.node.appendChild(row);
    return body;
  }

  count() {
    return this.node.children.length;
  }

  rowAt(index) {
    return this.node.children[index] || null;
  }

  // Everything but the welcome goes.
  clear() {
    this.node.querySelectorAll(".msg:not(.welcome)").forEach(function (row) { row.remove(); });
    this.node.scrollTop = 0;
  }

  // The view opens at the start of row (the first new reply), not at the end of a long answer.
  showFrom(row) {
    this.node.scrollTop = row.offsetTop - this.node.offsetTop;
  }

  showEnd() {
    this.node.scrollTop = this.node.scrollHeight;
  }
}
