// Renders search results with textContent everywhere but the snippet, which the API escapes itself.
const form = document.getElementById("search-form");
const results = document.getElementById("results");
const summary = document.getElementById("summary");

async function run(params) {
  const answer = await (await fetch("/v1/search?" + params.toString())).json();
  results.replaceChildren();
  summary.textContent = answer.error ? answer.error.message : `${answer.total} articles`;
  for (const hit of answer.hits || []) {
    const li = document.createElement("li");
    const title = document.createElement("a");
    title.href = "/v1/articles/" + encodeURIComponent(hit.id);
    title.textContent = hit.title || "(untitled)";
    const meta = document.createElement("div");
    meta.textContent = [hit.source, hit.location && hit.location.city, hit.published_at].filter(Boolean).join(" · ");
    const snippet = document.createElement("p");
    snippet.innerHTML = hit.snippet;
    li.append(title, meta, snippet);
    results.append(li);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ q: document.getElementById("q").value });
  history.replaceState(null, "", "?" + params.toString());
  run(params);
});

const initial = new URLSearchParams(location.search);
document.getElementById("q").value = initial.get("q") || "";
run(initial);
