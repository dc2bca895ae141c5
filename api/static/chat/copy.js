// 「复制」 under an answer: the answer as plain text a resident can paste into WeChat, without the page's button
// labels. The clipboard API is used where the page may use it (a secure context); otherwise a hidden textarea and
// execCommand("copy"); if both fail, the text is shown selected in a small box to copy by a long press.
// A status line says 「已复制」 for a moment.
import { button, el } from "./dom.js";

const SHOWN_MS = 2000;
const DISCLAIMER_MARK = "仅供参考"; // the answer already carries a disclaimer (the bot adds one to its first answer)

// The answer's text as shown, with each cited law under its full name (the reader cannot tap it open), any citation
// the text does not quote added under 法律依据, and the page's disclaimer when the text carries none.
export function answerText(reply, disclaimer) {
  let text = reply.text.trim();
  const unquoted = [];
  reply.citations.forEach(function (citation) {
    const shortName = "《" + citation.short_name + "》" + citation.article;
    const fullName = "《" + citation.law + "》" + citation.article;
    text = text.split(shortName).join(fullName);
    if (text.indexOf(citation.quote) < 0) unquoted.push("·" + fullName + "：“" + citation.quote + "”");
  });
  const lines = [text];
  if (unquoted.length) lines.push("法律依据：", ...unquoted);
  if (text.indexOf(DISCLAIMER_MARK) < 0) lines.push(disclaimer);
  return lines.join("\n");
}

async function viaClipboardApi(text) {
  if (!navigator.clipboard || !window.isSecureContext) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (err) {
    return false;
  }
}

// Older in-app browsers and pages served over plain http: copy what a hidden textarea holds selected.
function viaSelection(text) {
  const buffer = el("textarea", "copy-buffer");
  buffer.value = text;
  buffer.readOnly = true;
  buffer.tabIndex = -1;
  buffer.setAttribute("aria-hidden", "true");
  document.body.appendChild(buffer);
  buffer.select();
  buffer.setSelectionRange(0, text.length);
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch (err) {
    copied = false;
  }
  buffer.remove();
  return copied;
}

// The last resort: the text selected in a box, for the user to copy by a long press; 收起 closes it.
function manualBox(text, toggle) {
  const box = el("div", "copy-manual");
  const label = el("label", "", "请长按复制：");
  const area = el("textarea");
  area.readOnly = true;
  area.rows = 6;
  area.value = text;
  label.appendChild(area);
  const close = button("", "收起");
  close.addEventListener("click", function () {
    box.remove();
    toggle.focus();
  });
  box.appendChild(label);
  box.appendChild(close);
  return { box: box, area: area };
}

// reply: the answer as the API sent it.
export function copyButton(reply) {
  const row = el("div", "share");
  const toggle = button("copy", "复制");
  toggle.setAttribute("aria-label", "复制这条回答");
  const status = el("span", "copy-status");
  status.setAttribute("role", "status");
  let timer = null;
  toggle.addEventListener("click", async function () {
    const text = answerText(reply, document.querySelector("footer.disclaimer").textContent.trim());
    const copied = (await viaClipboardApi(text)) || viaSelection(text);
    clearTimeout(timer);
    const old = row.querySelector(".copy-manual");
    if (old) old.remove();
    if (copied) {
      toggle.focus();
      status.textContent = "已复制";
      timer = setTimeout(function () { status.textContent = ""; }, SHOWN_MS);
      return;
    }
    const manual = manualBox(text, toggle);
    row.appendChild(manual.box);
    status.textContent = "请长按下面的文字复制";
    manual.area.focus();
    manual.area.select();
  });
  row.appendChild(toggle);
  row.appendChild(status);
  return row;
}
