// One bot reply in the log: its text, then what belongs under it. An answer shows its legal basis, its choice
// buttons (next steps, related questions), the page's own 有用/没用 and 「复制」; a did-you-mean shows its choices
// before any statute text, so the question "which one do you mean?" is answered first. The bot's own feedback
// buttons are left out: the page's 有用/没用 replaces them (one verdict per answer, changeable).
import { citationList } from "./citations.js";
import { choiceButtons } from "./choices.js";
import { copyButton } from "./copy.js";
import { feedbackButtons } from "./feedback.js";
import { callbackForm } from "./handoff.js";

const CHOICES_FIRST = new Set(["did_you_mean"]);

function isFeedbackButton(choice) {
  return choice.payload.startsWith("/feedback");
}

// What a resident may want to pass on: an answer, or a reply that serves entries (a referral's 先给您一点参考);
// a did-you-mean only offers entries to choose from.
function isCopyable(reply) {
  return reply.kind === "answer" || (reply.entry_ids.length > 0 && reply.kind !== "did_you_mean");
}

// body: the reply's bubble (text already in it); actions: {choose(item, choice, index), judge(item, value), save()}.
export function renderReply(body, item, actions) {
  const reply = item.reply;
  const choices = reply.buttons.filter(function (choice) { return !isFeedbackButton(choice); });
  const parts = [];
  if (reply.citations.length) parts.push(citationList(reply.citations));
  if (choices.length) {
    const row = choiceButtons(choices, item.chosen, function (choice, index) { actions.choose(item, choice, index); });
    if (CHOICES_FIRST.has(reply.kind)) parts.unshift(row);
    else parts.push(row);
  }
  if (reply.kind === "answer") {
    parts.push(feedbackButtons(item, function (value) { return actions.judge(item, value); }, actions.save));
  }
  if (isCopyable(reply)) parts.push(copyButton(reply));
  if (reply.kind === "handoff" && reply.handoff_id) parts.push(callbackForm(item, actions.save));
  parts.forEach(function (part) { body.appendChild(part); });
}
