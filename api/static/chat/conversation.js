// The conversation as the page keeps it: the sender id Rasa knows it by and the history of what was shown, saved
// in this browser after every change. A history item is {who: "user", text} or {who: "bot", id, reply, question,
// chosen, verdict}: the bot's reply as the API sent it, the user's words it answered, the index of the choice
// button the user clicked and the user's 有用/没用 on it.
import { clearHistory, loadHistory, loadSender, randomId, saveHistory, saveSender } from "./storage.js";

export class Conversation {
  constructor() {
    this.sender = loadSender();
    this.items = loadHistory();
  }

  add(item) {
    this.items.push(item);
    this.save();
    return item;
  }

  addUser(text) {
    return this.add({ who: "user", text: text });
  }

  addBot(reply, question) {
    return this.add({ who: "bot", id: randomId(6), reply: reply, question: question });
  }

  save() {
    saveHistory(this.items);
  }

  // The bot's latest form question (the one a form waits on), or undefined.
  lastQuestion() {
    return this.items.slice().reverse().find(function (item) {
      return item.who === "bot" && item.reply.kind === "question";
    });
  }

  // Forget the history; with renew, also take a new sender id (when the server could not forget the old one).
  clear(renew) {
    this.items = [];
    clearHistory();
    if (renew) this.sender = saveSender("web-" + randomId(8));
  }
}
