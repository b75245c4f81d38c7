// "Nộp hồ sơ cho": filing for an organisation or personally (templates/citizen/_filing.html).
// Keeps what the page shows in step with the radio: the organisation's card, the labels
// (the person becomes the organisation's contact) and the prefilled address and return
// method, changed only while they still hold what the page itself put there. The server
// decides from the radio alone and checks the membership; without script it all still works.

export function bindOrganisation(form) {
  const box = form.querySelector("[data-filing]");
  if (!box) return;
  const labels = JSON.parse(box.dataset.labels || "{}");
  const address = form.elements["applicant.address"];
  const radios = [...box.querySelectorAll("input[name=organisation]")];
  const picked = () => radios.find((r) => r.checked) || null;
  let previous = picked();

  function show() {
    const chosen = picked();
    const org = Boolean(chosen && chosen.value);
    for (const card of box.querySelectorAll("[data-org-card]")) card.hidden = !chosen || card.dataset.orgCard !== chosen.value;
    const legend = form.querySelector("#applicant-block legend");
    if (legend) legend.textContent = org ? legend.dataset.org : legend.dataset.person;
    for (const [name, text] of Object.entries(labels[org ? "org" : "person"] || {})) {
      const label = form.querySelector(`label[for="${name.replace(".", "-")}"]`);
      if (label && label.firstChild) label.firstChild.textContent = label.firstChild.nextSibling ? `${text} ` : text;
    }
  }

  function switched() {
    const chosen = picked();
    const before = (previous && previous.dataset.address) || "";
    if (address && address.value.trim() === before.trim()) address.value = (chosen && chosen.dataset.address) || "";
    if (chosen && chosen.value) {
      for (const [field, key] of [["applicant.name", "userName"], ["applicant.phone", "userPhone"], ["applicant.email", "userEmail"]]) {
        const el = form.elements[field];
        if (el && !el.value.trim()) el.value = box.dataset[key] || "";
      }
    }
    const method = form.querySelector("input[name=return_method]:checked");
    const wanted = (chosen && chosen.dataset.return) || "counter";
    const had = (previous && previous.dataset.return) || "counter";
    const target = form.querySelector(`input[name=return_method][value="${wanted}"]`);
    if (method && method.value === had && target) target.checked = true;
    previous = chosen;
    show();
  }

  for (const radio of radios) radio.addEventListener("change", switched);
  show(); // a restored draft may have chosen differently from the page
}
