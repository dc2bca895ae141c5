// Phone numbers in the bot's text become tap-to-call links: the service hotlines (12348, 12333, 12345, …), a
// landline with its area code (0519-86001234) and a mobile number. A masked number (138****5678) stays text.
// The text is split into text nodes and links, never parsed as HTML.
import { el } from "./dom.js";

const PHONE = /(?<!\d)(123\d\d|0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)/g;

export function withPhoneLinks(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const found of text.matchAll(PHONE)) {
    if (found.index > last) fragment.appendChild(document.createTextNode(text.slice(last, found.index)));
    const link = el("a", "tel", found[0]);
    link.href = "tel:" + found[0].replace("-", "");
    fragment.appendChild(link);
    last = found.index + found[0].length;
  }
  if (last < text.length) fragment.appendChild(document.createTextNode(text.slice(last)));
  return fragment;
}
