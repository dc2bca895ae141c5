// After a reload in the middle of a form (wage triage, legal-aid check, mediation): one line naming the form, with
// 继续 (show its pending question again) and 重新开始 (a new conversation). Not kept in the history.
import { choiceButtons } from "./choices.js";

export function offerResume(log, formTitle, onContinue, onRestart) {
  const body = log.add("bot", "您刚才在回答“" + formTitle + "”的问题，要继续吗？");
  body.parentNode.classList.add("resume");
  const options = [{ title: "继续" }, { title: "重新开始" }];
  body.appendChild(choiceButtons(options, undefined, function (choice, index) {
    if (index === 0) onContinue();
    else onRestart();
  }));
}
