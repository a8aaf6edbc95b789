// The newsroom search page. Everything shown is set with textContent, except the snippet,
// which the API has already HTML-escaped around its <mark> tags. The whole state lives in the URL.
"use strict";

const FACETS = ["country", "location", "source", "language"];
const $ = (id) => document.getElementById(id);
const state = { cursor: null, seq: 0 };

function apiKey() { return localStorage.getItem("newsroom-api-key") || ""; }

function keyHeaders(extra) { return Object.assign(apiKey() ? { "X-API-Key": apiKey() } : {}, extra || {}); }

async function api(path) {
  const response = await fetch(path, { headers: keyHeaders() });
  if (response.status === 401) $("key-box").hidden = false;
  return response.json();
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// "2023-10-17T09:30:00+06:00" shown as the place's own wall-clock time and offset.
function localTime(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?[^+\-Z]*(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m) return iso;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const day = `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
  if (!m[4]) return day;
  const zone = !m[6] ? "" : m[6] === "Z" ? " UTC" : ` UTC${m[6]}`;
  return `${day}, ${m[4]}:${m[5]}${zone}`;
}

function params() { return new URLSearchParams(location.search); }

function setUrl(next) {
  next.delete("cursor");
  history.pushState(null, "", next.toString() ? "?" + next.toString() : "/");
  render();
}

function searchParams() {
  const p = params();
  p.delete("view");
  return p;
}

function renderFacets(facets, p) {
  for (const name of FACETS) {
    const list = document.querySelector(`[data-facet="${name}"] ul`);
    list.replaceChildren();
    const chosen = p.getAll(name);
    const values = facets[name] || [];
    const shown = new Set(values.map((v) => v.value));
    // A chosen value with no hits left still shows, so it can be unticked.
    for (const value of chosen) if (!shown.has(value)) values.push({ value, count: 0 });
    for (const item of values) {
      const li = el("li");
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.name = name;
      box.value = item.value;
      box.checked = chosen.includes(item.value);
      box.addEventListener("change", () => {
        const next = params();
        next.delete("view");
        const kept = next.getAll(name).filter((v) => v !== item.value);
        next.delete(name);
        for (const v of kept) next.append(name, v);
        if (box.checked) next.append(name, item.value);
        setUrl(next);
      });
      label.append(box, el("span", item.label || item.value), el("span", item.count, "count"));
      li.append(label);
      list.append(li);
    }
  }
}

function renderHistogram(bars) {
  const box = $("histogram");
  box.replaceChildren();
  const top = Math.max(1, ...bars.map((b) => b.count));
  for (const bar of bars) {
    const b = el("button");
    b.type = "button";
    b.style.height = `${Math.max(4, (100 * bar.count) / top)}%`;
    b.title = `${bar.key}: ${bar.count}`;
    b.setAttribute("aria-label", b.title);
    b.addEventListener("click", () => {
      const next = searchParams();
      next.set("from", bar.from);
      next.set("to", bar.to);
      setUrl(next);
    });
    box.append(b);
  }
  const keys = $("histogram-keys");
  keys.replaceChildren();
  if (bars.length) keys.append(el("span", bars[0].key), el("span", bars.length > 1 ? bars[bars.length - 1].key : ""));
}

function renderHit(hit) {
  const li = el("li");
  li.dataset.id = hit.id;
  const title = el("a", hit.title || "(untitled)", "title");
  title.href = "?view=" + encodeURIComponent(hit.id);
  title.addEventListener("click", (event) => {
    event.preventDefault();
    const next = params();
    next.set("view", hit.id);
    history.pushState(null, "", "?" + next.toString());
    render();
  });
  const loc = hit.location || {};
  const place = [loc.city, loc.country].filter(Boolean).join(", ");
  const meta = el("div", [hit.source, place, localTime(hit.published_at)].filter(Boolean).join(" · "), "meta");
  const snippet = el("p", null, "snippet");
  snippet.innerHTML = hit.snippet; // escaped by the API; only <mark> is markup
  li.append(title, meta, snippet);
  return li;
}

async function runSearch(append) {
  const p = searchParams();
  if (append && state.cursor) p.set("cursor", state.cursor);
  const seq = ++state.seq;
  const answer = await api("/v1/search?" + p.toString());
  if (seq !== state.seq) return; // a newer search has started: this answer is stale
  if (!append) $("results").replaceChildren();
  if (answer.error) {
    $("summary").textContent = `${answer.error.field ? answer.error.field + ": " : ""}${answer.error.message}`;
    $("more").hidden = true;
    return;
  }
  $("summary").textContent = `${answer.total} article${answer.total === 1 ? "" : "s"}`;
  for (const hit of answer.hits) $("results").append(renderHit(hit));
  state.cursor = answer.next_cursor;
  $("more").hidden = !answer.next_cursor;
  if (!append) {
    renderFacets(answer.facets, p);
    renderHistogram(answer.facets.published || []);
    showFresh();
  }
}

async function showArticle(id) {
  const box = $("article");
  const seq = ++state.seq;
  const a = await api("/v1/articles/" + encodeURIComponent(id));
  if (seq !== state.seq) return;
  box.replaceChildren();
  if (a.error) {
    box.append(el("p", a.error.message));
  } else {
    const back = el("a", "← back to results");
    back.href = "#";
    back.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
    const loc = a.location || {};
    const meta = [a.source, [loc.city, loc.country].filter(Boolean).join(", "), localTime(a.published_at)];
    box.append(back, el("h2", a.title || "(untitled)"));
    if (a.subtitle) box.append(el("p", a.subtitle, "subtitle"));
    box.append(el("p", meta.filter(Boolean).join(" · "), "meta"));
    if (a.url) {
      const link = el("a", a.url);
      link.href = /^https?:\/\//i.test(a.url) ? a.url : "#";
      link.rel = "noopener noreferrer";
      box.append(el("p"), link);
    }
    box.append(el("div", a.body || "", "body"));
  }
}

function fillForm(p) {
  $("q").value = p.get("q") || "";
  $("sort").value = p.get("sort") || "relevance";
  $("from").value = (p.get("from") || "").slice(0, 10);
  $("to").value = (p.get("to") || "").slice(0, 10);
  $("include_duplicates").checked = p.get("include_duplicates") === "true";
}

function render() {
  const p = params();
  fillForm(p);
  const view = p.get("view");
  $("article").hidden = !view;
  $("results").hidden = $("summary").hidden = $("follow-bar").hidden = !!view;
  $("more").hidden = true;
  if (view) return showArticle(view);
  return runSearch(false);
}

function bind() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const next = searchParams();
    const q = $("q").value.trim();
    if (q) next.set("q", q); else next.delete("q");
    if ($("sort").value !== "relevance") next.set("sort", $("sort").value); else next.delete("sort");
    setUrl(next);
  });
  for (const name of ["from", "to"]) {
    $(name).addEventListener("change", () => {
      const next = searchParams();
      if ($(name).value) next.set(name, $(name).value); else next.delete(name);
      setUrl(next);
    });
  }
  for (const button of document.querySelectorAll(".quick button")) {
    button.addEventListener("click", () => {
      const next = searchParams();
      const hours = Number(button.dataset.hours);
      next.delete("to");
      if (hours) next.set("from", new Date(Date.now() - hours * 3600e3).toISOString().slice(0, 19) + "Z");
      else next.delete("from");
      setUrl(next);
    });
  }
  $("include_duplicates").addEventListener("change", () => {
    const next = searchParams();
    if ($("include_duplicates").checked) next.set("include_duplicates", "true"); else next.delete("include_duplicates");
    setUrl(next);
  });
  $("more").addEventListener("click", () => runSearch(true));
  $("sort").addEventListener("change", () => $("search-form").requestSubmit());
  $("key-save").addEventListener("click", () => {
    localStorage.setItem("newsroom-api-key", $("api-key").value);
    $("key-box").hidden = true;
    render();
  });
  let pending = null;
  $("q").addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const typed = $("q").value.trim();
      if (typed.length < 2) return;
      const answer = await api("/v1/suggest?q=" + encodeURIComponent(typed));
      const list = $("suggestions");
      list.replaceChildren();
      for (const s of answer.suggestions || []) {
        const option = el("option");
        option.value = s.text;
        list.append(option);
      }
    }, 200);
  });
  window.addEventListener("popstate", render);
  $("follow").addEventListener("click", startFollowing);
  $("unfollow").addEventListener("click", stopFollowing);
}

// Following a search: the search saved as a topic (POST /v1/topics), its new matches read from
// /v1/topics/<id>/events and put at the top of the results. EventSource cannot send X-API-Key, so the stream is
// read with fetch() and parsed here, with one code path with and without keys; on the stream's end (the server ends
// it every few minutes) or an error it reconnects with Last-Event-ID, so nothing is missed (docs/topic-events.md).
const FOLLOWED = "newsroom-followed-topic";
const TOPIC_PARAMS = ["q", "location", "country", "source", "language", "near", "within", "bbox"];
const LISTS = ["location", "country", "source", "language"];
const follow = { topic: null, controller: null, retry: 3000, backoff: 1000, fresh: [] };

function followed() {
  try { return JSON.parse(localStorage.getItem(FOLLOWED) || "null"); } catch (e) { return null; }
}

function remember(topic) {
  if (topic) localStorage.setItem(FOLLOWED, JSON.stringify(topic)); else localStorage.removeItem(FOLLOWED);
}

function topicQuery(p) {
  const query = {};
  for (const name of TOPIC_PARAMS) {
    const values = p.getAll(name).filter(Boolean);
    if (values.length) query[name] = LISTS.includes(name) ? values : values[0];
  }
  return query;
}

function topicName(query) {
  if (query.q) return query.q.slice(0, 200);
  const parts = Object.entries(query).map(([name, v]) => `${name}: ${[].concat(v).join(", ")}`);
  return (parts.join("; ") || "All new articles").slice(0, 200);
}

function showFollowing() {
  const topic = follow.topic;
  $("follow").hidden = !!topic;
  $("unfollow").hidden = !topic;
  $("follow-status").textContent = topic ? `Following “${topic.name}”` : "";
  const n = follow.fresh.length;
  $("new-count").hidden = !topic || n === 0;
  $("new-count").textContent = `${n} new stor${n === 1 ? "y" : "ies"}`;
}

// The new stories, newest first, at the top of the results (again after the results are redrawn).
function showFresh() {
  const list = $("results");
  for (const article of follow.fresh.slice().reverse()) {
    if (list.querySelector(`li.new[data-id="${CSS.escape(article.id)}"]`)) continue;
    for (const old of list.querySelectorAll(`li[data-id="${CSS.escape(article.id)}"]`)) old.remove();
    const li = renderHit(Object.assign({}, article, { snippet: "" }));
    li.classList.add("new");
    li.prepend(el("span", "New", "badge"));
    list.prepend(li);
  }
}

function onEvent(type, data) {
  if (type === "match") {
    const event = JSON.parse(data);
    if (!event.article || follow.fresh.some((a) => a.id === event.article.id)) return;
    follow.fresh.unshift(event.article);
    follow.fresh.length = Math.min(follow.fresh.length, 100);
    showFresh();
    showFollowing();
  } else if (type === "gap") {
    $("follow-status").textContent = `Following “${follow.topic.name}” (some older stories were missed while away)`;
  }
}

// text/event-stream as the HTML standard parses it: fields until a blank line, then the event.
async function readEvents(body, topic) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let type = "";
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\n|\r(?!$)/);
    buffer = lines.pop();
    for (const line of lines) {
      if (line === "") {
        if (data.length) onEvent(type || "message", data.join("\n"));
        type = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue; // a keep-alive comment
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(val);
      else if (field === "event") type = val;
      else if (field === "retry" && /^\d+$/.test(val)) follow.retry = Number(val);
      else if (field === "id" && !val.includes("\0")) {
        topic.lastId = val;
        remember(topic);
      }
    }
  }
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

async function listen(topic) {
  const controller = new AbortController();
  follow.controller = controller;
  while (!controller.signal.aborted) {
    let wait = follow.retry;
    try {
      const headers = keyHeaders({ Accept: "text/event-stream" });
      if (topic.lastId) headers["Last-Event-ID"] = topic.lastId;
      const path = `/v1/topics/${encodeURIComponent(topic.id)}/events`;
      const response = await fetch(path, { headers, cache: "no-store", signal: controller.signal });
      if (response.status === 404) return forget(); // deleted elsewhere
      if (response.status === 401) $("key-box").hidden = false;
      if (response.ok && response.body) {
        await readEvents(response.body, topic);
        follow.backoff = 1000; // the server ended the stream: reconnect after its `retry`
      } else {
        wait = Math.max(follow.backoff, 1000 * Number(response.headers.get("Retry-After") || 0));
        follow.backoff = Math.min(follow.backoff * 2, 60000);
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      wait = follow.backoff; // the network: back off, doubling up to a minute
      follow.backoff = Math.min(follow.backoff * 2, 60000);
    }
    await pause(wait * (0.8 + 0.4 * Math.random()), controller.signal);
  }
}

function forget() {
  if (follow.controller) follow.controller.abort();
  follow.controller = null;
  follow.topic = null;
  follow.fresh = [];
  remember(null);
  for (const li of $("results").querySelectorAll("li.new")) li.remove();
  showFollowing();
}

async function startFollowing() {
  const query = topicQuery(searchParams());
  const name = topicName(query);
  $("follow").disabled = true;
  try {
    const response = await fetch("/v1/topics", {
      method: "POST",
      headers: keyHeaders({ "Content-Type": "application/json" }),
      body: JSON.stringify({ name, query }),
    });
    const answer = await response.json();
    if (response.status === 401) $("key-box").hidden = false;
    if (!response.ok) {
      $("follow-status").textContent = answer.error ? answer.error.message : `could not follow (${response.status})`;
      return;
    }
    // From the topic's first event on: whatever matched between its creation and the connection is not missed.
    follow.topic = { id: answer.id, name: answer.name, lastId: "0-0" };
    remember(follow.topic);
    follow.fresh = [];
    showFollowing();
    listen(follow.topic);
  } finally {
    $("follow").disabled = false;
  }
}

async function stopFollowing() {
  const topic = follow.topic;
  forget();
  if (topic) await fetch(`/v1/topics/${encodeURIComponent(topic.id)}`, { method: "DELETE", headers: keyHeaders() });
}

function resumeFollowing() {
  const topic = followed();
  if (topic && topic.id) {
    follow.topic = topic;
    listen(topic);
  }
  showFollowing();
}

bind();
render();
resumeFollowing();
