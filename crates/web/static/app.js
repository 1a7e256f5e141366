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

// A date typed as dd/mm/yyyy can also be picked: each such field gets the browser's date
// picker beside it, which writes the chosen day into the field as typed.
for (const input of document.querySelectorAll("input[data-date]")) {
  const picker = document.createElement("input");
  picker.type = "date";
  picker.className = "picker";
  picker.tabIndex = -1;
  picker.setAttribute("aria-label", input.dataset.date);
  picker.addEventListener("change", () => {
    const [y, m, d] = picker.value.split("-");
    if (d) input.value = `${d}/${m}/${y}`;
  });
  const wrap = document.createElement("span");
  wrap.className = "date-wrap";
  input.before(wrap);
  wrap.append(input, picker);
}

// A long list of choices filters as one types part of a name, accents optional.
const fold = (text) =>
  text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
for (const filter of document.querySelectorAll("input.choose-filter")) {
  // Ticked choices are labels; a single choice is a select's options.
  const items = filter.closest(".choose").querySelectorAll(".checklist label, option[value]:not([value=''])");
  filter.addEventListener("input", () => {
    const typed = fold(filter.value.trim());
    for (const item of items) {
      item.hidden = typed !== "" && !fold(item.textContent).includes(typed);
    }
  });
}

// On a phone a list's rows become cards: each cell says which column it is.
for (const table of document.querySelectorAll(".table-wrap table:not(.month)")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr, tfoot tr")) {
    [...row.children].forEach((cell, i) => {
      if (i > 0 && heads[i]) cell.dataset.label = heads[i];
    });
  }
}
