// The welcome's topic chips and example questions: each is a button whose data-message is sent. A text message is
// shown as the user's words; an intent payload the bot understands ("/wage_plan") is shown as the chip's title.
export function wireWelcome(root, ask) {
  root.querySelectorAll("button[data-message]").forEach(function (node) {
    node.addEventListener("click", function () {
      const message = node.dataset.message;
      ask(message, message.startsWith("/") ? node.textContent.trim() : message);
    });
  });
}
