// The claim form's "Add line": a copy of the first line, emptied.
document.getElementById("add-line")?.addEventListener("click", () => {
  const lines = document.getElementById("claim-lines");
  const copy = lines.querySelector(".claim-line").cloneNode(true);
  copy.querySelectorAll("input").forEach((i) => { i.value = ""; });
  lines.appendChild(copy);
});
