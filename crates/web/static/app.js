// Asks before an action that cannot be undone: a submit button (or its form) carrying
// data-confirm submits only when the person agrees. Pages work without this script; it only
// adds the question.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
