// The Output page: fetch each bare route and show what arrived (status, the headers the lesson is
// about, body), since the browser would otherwise show the body alone.
async function probe(box) {
  const response = await fetch(box.dataset.probe, { headers: { Accept: "*/*" } });
  const lines = [`${response.status} ${response.statusText}`];
  for (const name of box.dataset.headers.split(" ").filter(Boolean)) {
    const value = response.headers.get(name);
    if (value !== null) lines.push(`${name}: ${value}`);
  }
  lines.push("", await response.text());
  box.textContent = lines.join("\n");
  box.classList.add("loaded");
}

for (const box of document.querySelectorAll("[data-probe]")) {
  probe(box).catch((error) => {
    box.textContent = String(error);
  });
}
