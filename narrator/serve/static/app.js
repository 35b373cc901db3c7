// narrator's web page: plain JavaScript, no build step. Every piece of article text
// goes into the page through textContent, never as HTML.
"use strict";

const STRINGS = {
  kk: {
    "nav.editor": "Мақала", "nav.lexicon": "Лексикон", "nav.feed": "Подкаст арнасы",
    "token.label": "Кіру белгісі (token)", "token.save": "Сақтау",
    "editor.article": "Мақала мәтіні", "editor.placeholder": "Мақаланы осында қойыңыз…",
    "editor.upload": "Файлдан жүктеу", "editor.kind": "Пішімі", "kind.text": "мәтін",
    "editor.reading": "Дауыс былай оқиды",
    "editor.hint": "Түрлендірілген жерлер түспен белгіленген; жазылуы тінтуірді апарғанда көрінеді. Оқылуын түзету үшін басыңыз.",
    "fix.written": "Жазылуы", "fix.spoken": "Оқылуы", "fix.save": "Лексиконға сақтау",
    "fix.cancel": "Бас тарту", "fix.undo": "Қайтару",
    "fix.saved": "«{w}» енді «{s}» деп оқылады.", "fix.undone": "Түзету қайтарылды.",
    "fix.conflict": "Лексиконды басқа біреу өзгертті; қайта жүктелді, тағы көріңіз.",
    "ctl.voice": "Дауыс", "ctl.rate": "Жылдамдық (сөз/мин)", "ctl.template": "Үлгі",
    "ctl.format": "Файл", "ctl.produce": "Дыбыстау",
    "tpl.article": "тек мақала", "tpl.bulletin": "жаңалықтар шығарылымы",
    "state.queued": "кезекте", "state.running": "дайындалуда", "state.done": "дайын",
    "state.failed": "қате", "state.cancelled": "тоқтатылды",
    "dl.audio": "Дыбыс файлы", "dl.vtt": "Транскрипт (VTT)", "dl.chapters": "Тараулар (JSON)",
    "player.chapters": "Тараулар", "player.transcript": "Транскрипт",
    "recent.title": "Соңғы тапсырмалар", "recent.open": "Ашу", "recent.cancel": "Тоқтату",
    "recent.none": "Әзірге тапсырма жоқ.",
    "lex.title": "Станция лексиконы", "lex.add": "Қосу", "lex.remove": "Өшіру",
    "lex.hint": "Мұндағы оқылу кірістірілген кестелерден бұрын қолданылады.",
    "lex.empty": "Лексикон бос.",
    "feed.title": "Подкаст арнасы", "feed.build": "Арнаны жаңарту", "feed.episode": "Шығарылым",
    "feed.published": "Жарияланды", "feed.duration": "Ұзақтығы",
    "feed.unconfigured": "Станция файлында арна бапталмаған: {p}",
    "feed.building": "Арна жаңартылуда…", "feed.last": "Соңғы жаңарту: {s}",
    "feed.never": "Бұл сервер арнаны әлі жаңартқан жоқ.", "feed.url": "Арна: {u}",
    "feed.summary": "{n} жаңа шығарылым, {p} өшірілді, дереккөзде {a} мақала ({s} с)",
    "figures": "{d} с · {l} LUFS · шың {p} dBTP · {n} сөйлем · кэштен {h}/{t}",
    "err.busy": "Кезек толы; {s} секундтан кейін қайталаңыз.",
    "err.auth": "Кіру белгісін енгізіңіз.",
    "class.cardinal": "сан", "class.money": "ақша", "class.year": "жыл", "class.date": "күн",
    "class.time": "уақыт", "class.percent": "пайыз", "class.measure": "өлшем",
    "class.abbreviation": "қысқарту", "class.latin": "латын", "class.ordinal": "реттік сан",
    "class.lexicon": "лексикон", "class.other": "басқа",
    "lang": "English",
  },
  en: {
    "nav.editor": "Article", "nav.lexicon": "Lexicon", "nav.feed": "Podcast feed",
    "token.label": "Access token", "token.save": "Save",
    "editor.article": "Article text", "editor.placeholder": "Paste the article here…",
    "editor.upload": "Upload a file", "editor.kind": "Format", "kind.text": "text",
    "editor.reading": "How the voice will read it",
    "editor.hint": "Converted spans are coloured by class; hover to see what was written. Click one to correct its reading.",
    "fix.written": "Written", "fix.spoken": "Spoken", "fix.save": "Save to lexicon",
    "fix.cancel": "Cancel", "fix.undo": "Undo",
    "fix.saved": "“{w}” is now read “{s}”.", "fix.undone": "Correction undone.",
    "fix.conflict": "Someone else changed the lexicon; reloaded, try again.",
    "ctl.voice": "Voice", "ctl.rate": "Rate (words/min)", "ctl.template": "Template",
    "ctl.format": "File", "ctl.produce": "Produce",
    "tpl.article": "article only", "tpl.bulletin": "news bulletin",
    "state.queued": "queued", "state.running": "producing", "state.done": "done",
    "state.failed": "failed", "state.cancelled": "cancelled",
    "dl.audio": "Audio file", "dl.vtt": "Transcript (VTT)", "dl.chapters": "Chapters (JSON)",
    "player.chapters": "Chapters", "player.transcript": "Transcript",
    "recent.title": "Recent jobs", "recent.open": "Open", "recent.cancel": "Cancel",
    "recent.none": "No jobs yet.",
    "lex.title": "Station lexicon", "lex.add": "Add", "lex.remove": "Remove",
    "lex.hint": "These readings apply before the built-in tables.",
    "lex.empty": "The lexicon is empty.",
    "feed.title": "Podcast feed", "feed.build": "Build the feed", "feed.episode": "Episode",
    "feed.published": "Published", "feed.duration": "Duration",
    "feed.unconfigured": "The station file sets up no feed: {p}",
    "feed.building": "Building the feed…", "feed.last": "Last build: {s}",
    "feed.never": "This server has not built the feed yet.", "feed.url": "Feed: {u}",
    "feed.summary": "{n} new episode(s), {p} pruned, {a} article(s) in the sources ({s} s)",
    "figures": "{d} s · {l} LUFS · peak {p} dBTP · {n} sentences · {h}/{t} from cache",
    "err.busy": "The queue is full; try again in {s} seconds.",
    "err.auth": "Enter your access token.",
    "class.cardinal": "number", "class.money": "money", "class.year": "year", "class.date": "date",
    "class.time": "time", "class.percent": "percent", "class.measure": "measure",
    "class.abbreviation": "abbreviation", "class.latin": "Latin", "class.ordinal": "ordinal",
    "class.lexicon": "lexicon", "class.other": "other",
    "lang": "Қазақша",
  },
};
const KNOWN_CLASSES = ["cardinal", "decimal", "fraction", "range", "money", "ordinal", "year",
  "date", "time", "measure", "percent", "abbreviation", "letters", "latin", "lexicon"];

const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("narrator-lang") === "en" ? "en" : "kk";
const state = { spans: [], editing: null, undo: null, job: null, cues: [], chapters: [], peaks: null, blobs: [] };

function t(key, values = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.kk[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  $("lang-toggle").textContent = t("lang");
  renderLegend();
}

function say(text, isError = false) {
  const box = $("message");
  box.textContent = text;
  box.classList.toggle("error", isError);
  box.hidden = !text;
}

// API calls: the token (if the server needs one) goes in the Authorization header only.
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const token = sessionStorage.getItem("narrator-token");
  if (token) headers.set("Authorization", "Bearer " + token);
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    $("token-box").hidden = false;
    say(t("err.auth"), true);
    throw new Error("unauthorised");
  }
  return response;
}

async function apiJson(path, options = {}) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(typeof body.detail === "string" ? body.detail : response.statusText);
    error.status = response.status;
    error.retryAfter = response.headers.get("Retry-After");
    throw error;
  }
  return { body, response };
}

// ---- the reading preview ----
let previewTimer = null;
function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 350);
}

async function preview() {
  const text = $("article").value;
  try {
    const { body } = await apiJson("/v1/normalize", { method: "POST", json: { text } });
    if (text !== $("article").value) return; // typed on since; a newer preview follows
    state.spans = body.spans;
    renderPreview(text, body.spans);
  } catch (error) {
    if (error.message !== "unauthorised") say(error.message, true);
  }
}

function classOf(span) {
  return KNOWN_CLASSES.includes(span.class) ? span.class : "other";
}

function renderPreview(text, spans) {
  // Offsets are Unicode code points, as Array.from counts them.
  const chars = Array.from(text);
  const nodes = [];
  let position = 0;
  spans.forEach((span, index) => {
    if (span.start > position) nodes.push(document.createTextNode(chars.slice(position, span.start).join("")));
    const el = document.createElement("span");
    el.className = "span cls-" + classOf(span);
    el.textContent = span.spoken;
    el.title = span.written + " · " + t("class." + classOf(span));
    el.dataset.index = String(index);
    el.dataset.written = span.written;
    el.dataset.class = span.class;
    el.tabIndex = 0;
    nodes.push(el);
    position = span.end;
  });
  if (position < chars.length) nodes.push(document.createTextNode(chars.slice(position).join("")));
  $("preview").replaceChildren(...nodes);
}

function renderLegend() {
  const items = ["cardinal", "money", "year", "date", "time", "percent", "measure", "abbreviation", "latin", "lexicon"];
  $("legend").replaceChildren(...items.map((cls) => {
    const el = document.createElement("span");
    el.className = "span cls-" + cls;
    el.textContent = t("class." + cls);
    return el;
  }));
}

function openSpanEditor(index) {
  const span = state.spans[index];
  if (!span) return;
  state.editing = span;
  $("fix-written").textContent = span.written;
  $("fix-spoken").value = span.spoken;
  $("span-editor").hidden = false;
  $("fix-spoken").focus();
}

async function readLexicon() {
  const { body } = await apiJson("/v1/lexicon");
  return body;
}

async function writeLexicon(entries, etag) {
  return (await apiJson("/v1/lexicon", { method: "PUT", json: { entries }, headers: { "If-Match": etag } })).body;
}

async function saveCorrection(event) {
  event.preventDefault();
  const span = state.editing;
  const spoken = $("fix-spoken").value.trim();
  if (!span || !spoken) return;
  try {
    const current = await readLexicon();
    const entries = current.entries.filter((e) => e.written !== span.written);
    entries.push({ written: span.written, spoken });
    const saved = await writeLexicon(entries, current.etag);
    state.undo = { entries: current.entries, etag: saved.etag };
    $("span-editor").hidden = true;
    $("undo-text").textContent = t("fix.saved", { w: span.written, s: spoken });
    $("undo-bar").hidden = false;
    await preview();
  } catch (error) {
    say(error.status === 412 ? t("fix.conflict") : error.message, true);
  }
}

async function undoCorrection() {
  if (!state.undo) return;
  try {
    await writeLexicon(state.undo.entries, state.undo.etag);
    state.undo = null;
    $("undo-bar").hidden = true;
    say(t("fix.undone"));
    await preview();
  } catch (error) {
    say(error.status === 412 ? t("fix.conflict") : error.message, true);
  }
}

// ---- producing ----
async function produce() {
  const request = {
    text: $("article").value,
    input: $("input-kind").value,
    voice: $("voice").value || null,
    rate: Number($("rate").value) || null,
    template: $("template").value,
    format: $("format").value,
  };
  $("produce").disabled = true;
  try {
    const { body } = await apiJson("/v1/speech", { method: "POST", json: request });
    say("");
    await follow(body.id);
  } catch (error) {
    say(error.status === 429 ? t("err.busy", { s: error.retryAfter || "5" }) : error.message, true);
  } finally {
    $("produce").disabled = false;
  }
}

async function follow(id) {
  const bar = $("job-progress");
  bar.hidden = false;
  for (;;) {
    const { body: job } = await apiJson("/v1/jobs/" + id);
    bar.value = job.progress;
    $("job-status").textContent = t("state." + job.state);
    if (job.state === "done") {
      await openJob(job);
      break;
    }
    if (job.state === "failed" || job.state === "cancelled") {
      if (job.error) say(job.error, true);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  bar.hidden = true;
  loadRecent();
}

async function fetchBlob(url) {
  const response = await api(url);
  if (!response.ok) throw new Error(url + ": " + response.status);
  return response.blob();
}

async function openJob(job) {
  const base = "/v1/jobs/" + job.id;
  const [audio, vtt, chapters, peaks] = await Promise.all([
    fetchBlob(base + "/audio"), fetchBlob(base + "/transcript.vtt"),
    fetchBlob(base + "/chapters.json"), fetchBlob(base + "/peaks.json"),
  ]);
  for (const url of state.blobs) URL.revokeObjectURL(url);
  const urls = [audio, vtt, chapters].map((blob) => URL.createObjectURL(blob));
  state.blobs = urls;
  state.job = job;
  state.cues = parseVtt(await vtt.text());
  state.chapters = JSON.parse(await chapters.text()).chapters || [];
  state.peaks = JSON.parse(await peaks.text());
  const format = job.request.format || "mp3";
  const stem = "narrator-" + job.id.slice(0, 8);
  setDownload("dl-audio", urls[0], stem + "." + format);
  setDownload("dl-vtt", urls[1], stem + ".vtt");
  setDownload("dl-chapters", urls[2], stem + ".chapters.json");
  $("player-title").textContent = job.title || "";
  const f = job.figures || {};
  $("figures").textContent = t("figures", {
    d: f.duration_s, l: f.loudness_lufs, p: f.true_peak_dbtp, n: f.segments,
    h: f.cache_hits, t: (f.cache_hits || 0) + (f.cache_misses || 0),
  });
  renderTranscript();
  renderChapters();
  $("player").hidden = false;
  const player = $("audio");
  player.dataset.jobId = job.id;
  player.src = urls[0];
  drawWaveform();
}

function setDownload(id, url, name) {
  const link = $(id);
  link.href = url;
  link.download = name;
}

function parseVtt(text) {
  const cues = [];
  const time = (s) => {
    const parts = s.trim().split(":").map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  };
  for (const block of text.replace(/\r/g, "").split(/\n\n+/)) {
    const lines = block.split("\n");
    const at = lines.findIndex((line) => line.includes("-->"));
    if (at < 0) continue;
    const [start, end] = lines[at].split("-->").map((s) => time(s.split(" ").filter(Boolean)[0] || s));
    cues.push({ start, end, text: lines.slice(at + 1).join(" ") });
  }
  return cues;
}

function renderTranscript() {
  $("transcript").replaceChildren(...state.cues.map((cue, index) => {
    const el = document.createElement("p");
    el.className = "cue";
    el.textContent = cue.text;
    el.dataset.index = String(index);
    el.dataset.start = String(cue.start);
    el.dataset.end = String(cue.end);
    return el;
  }));
}

function renderChapters() {
  $("chapters").replaceChildren(...state.chapters.map((chapter) => {
    const el = document.createElement("li");
    el.textContent = clock(chapter.startTime) + " " + chapter.title;
    el.dataset.start = String(chapter.startTime);
    return el;
  }));
}

function clock(seconds) {
  const s = Math.floor(seconds);
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function drawWaveform() {
  const canvas = $("waveform");
  const width = canvas.clientWidth || 1000;
  canvas.width = width * (window.devicePixelRatio || 1);
  const ctx = canvas.getContext("2d");
  const h = canvas.height, w = canvas.width;
  ctx.clearRect(0, 0, w, h);
  const data = state.peaks;
  if (!data) return;
  const duration = $("audio").duration || data.duration;
  const played = ($("audio").currentTime || 0) / duration;
  const peaks = data.peaks;
  for (let x = 0; x < w; x++) {
    const value = peaks[Math.floor((x / w) * peaks.length)] || 0;
    const bar = Math.max(1, value * (h - 10));
    ctx.fillStyle = x / w < played ? "#0b6e8a" : "#9fb7c2";
    ctx.fillRect(x, (h - bar) / 2, 1, bar);
  }
  ctx.fillStyle = "#d99a00";
  ctx.font = (11 * (window.devicePixelRatio || 1)) + "px sans-serif";
  for (const chapter of state.chapters) {
    const x = Math.round((chapter.startTime / duration) * w);
    ctx.fillRect(x, 0, 2, h);
    ctx.fillText(chapter.title.slice(0, 30), x + 4, 12);
  }
}

function followPlayback() {
  const time = $("audio").currentTime;
  let current = -1;
  state.cues.forEach((cue, index) => { if (time >= cue.start && time < cue.end) current = index; });
  for (const el of $("transcript").children) {
    const on = Number(el.dataset.index) === current;
    if (on && !el.classList.contains("current")) el.scrollIntoView({ block: "nearest" });
    el.classList.toggle("current", on);
  }
  drawWaveform();
}

function seek(seconds) {
  const player = $("audio");
  player.currentTime = seconds;
  player.play().catch(() => {});
}

// ---- recent jobs ----
async function loadRecent() {
  try {
    const { body: jobs } = await apiJson("/v1/jobs?limit=12");
    const items = jobs.map((job) => {
      const li = document.createElement("li");
      const status = document.createElement("span");
      status.className = "state";
      status.textContent = t("state." + job.state);
      const title = document.createElement("span");
      title.textContent = job.title;
      li.append(status, title);
      if (job.state === "done") {
        li.append(button(t("recent.open"), () => openJob(job).catch((error) => say(error.message, true))));
      } else if (job.state === "queued" || job.state === "running") {
        li.append(button(t("recent.cancel"), async () => {
          await api("/v1/jobs/" + job.id, { method: "DELETE" }).catch(() => {});
          loadRecent();
        }));
      }
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.textContent = t("recent.none");
      items.push(li);
    }
    $("recent").replaceChildren(...items);
  } catch (error) {
    if (error.message !== "unauthorised") say(error.message, true);
  }
}

function button(label, onClick) {
  const el = document.createElement("button");
  el.type = "button";
  el.textContent = label;
  el.addEventListener("click", onClick);
  return el;
}

// ---- lexicon page ----
async function loadLexiconPage() {
  const lexicon = await readLexicon();
  const rows = lexicon.entries.map((entry, index) => {
    const tr = document.createElement("tr");
    const written = document.createElement("td");
    written.textContent = entry.written;
    const spoken = document.createElement("td");
    spoken.textContent = entry.spoken;
    const action = document.createElement("td");
    action.append(button(t("lex.remove"), async () => {
      const entries = lexicon.entries.filter((_, i) => i !== index);
      try {
        await writeLexicon(entries, lexicon.etag);
      } catch (error) {
        say(error.status === 412 ? t("fix.conflict") : error.message, true);
      }
      loadLexiconPage();
    }));
    tr.append(written, spoken, action);
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.textContent = t("lex.empty");
    tr.append(td);
    rows.push(tr);
  }
  document.querySelector("#lexicon-table tbody").replaceChildren(...rows);
}

async function addLexiconEntry(event) {
  event.preventDefault();
  const written = $("lex-written").value.trim(), spoken = $("lex-spoken").value.trim();
  if (!written || !spoken) return;
  try {
    const current = await readLexicon();
    const entries = current.entries.filter((e) => e.written !== written);
    entries.push({ written, spoken });
    await writeLexicon(entries, current.etag);
    $("lex-written").value = "";
    $("lex-spoken").value = "";
  } catch (error) {
    say(error.status === 412 ? t("fix.conflict") : error.message, true);
  }
  loadLexiconPage();
}

// ---- feed page ----
async function loadFeedPage() {
  const { body: feed } = await apiJson("/v1/feed");
  const lines = [];
  if (!feed.configured) lines.push(t("feed.unconfigured", { p: feed.problem || "" }));
  if (feed.feed_url) lines.push(t("feed.url", { u: feed.feed_url }));
  if (feed.building) lines.push(t("feed.building"));
  else if (feed.last_build) {
    const b = feed.last_build;
    const summary = b.error || t("feed.summary", { n: b.new, p: b.pruned, a: b.articles, s: b.seconds });
    lines.push(t("feed.last", { s: summary }));
  }
  else lines.push(t("feed.never"));
  $("feed-state").textContent = lines.join(" · ");
  $("feed-build").disabled = !feed.configured || feed.building;
  const rows = feed.episodes.map((episode) => {
    const tr = document.createElement("tr");
    for (const value of [episode.title, episode.published, clock(episode.duration)]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  });
  document.querySelector("#feed-table tbody").replaceChildren(...rows);
  if (feed.building) setTimeout(loadFeedPage, 1000);
}

async function buildFeed() {
  try {
    await apiJson("/v1/feed/build", { method: "POST" });
  } catch (error) {
    say(error.message, true);
  }
  loadFeedPage();
}

// ---- set-up ----
async function loadOptions() {
  const { body: options } = await apiJson("/v1/options");
  const { body: voices } = await apiJson("/v1/voices");
  $("voice").replaceChildren(...voices.voices.map((voice) => {
    const option = document.createElement("option");
    option.value = voice.id;
    option.textContent = voice.id + " (" + voice.engine + ")";
    option.selected = voice.id === voices.default;
    return option;
  }));
  $("rate").value = options.rate;
}

function route() {
  const page = (location.hash.replace(/^#\/?/, "") || "editor").split("/")[0];
  const name = ["lexicon", "feed"].includes(page) ? page : "editor";
  for (const view of ["editor", "lexicon", "feed"]) {
    $("view-" + view).hidden = view !== name;
    $("nav-" + view).classList.toggle("current", view === name);
  }
  const load = { lexicon: loadLexiconPage, feed: loadFeedPage }[name];
  if (load) load().catch((error) => say(error.message, true));
}

function guessKind(name) {
  if (/\.(md|markdown)$/i.test(name)) return "markdown";
  if (/\.html?$/i.test(name)) return "html";
  if (/\.(ssml|xml)$/i.test(name)) return "ssml";
  return "text";
}

function init() {
  applyLanguage();
  $("lang-toggle").addEventListener("click", () => {
    lang = lang === "kk" ? "en" : "kk";
    localStorage.setItem("narrator-lang", lang);
    applyLanguage();
    if (state.spans.length) renderPreview($("article").value, state.spans);
    loadRecent();
    route();
  });
  $("token-save").addEventListener("click", () => {
    sessionStorage.setItem("narrator-token", $("token").value.trim());
    $("token-box").hidden = true;
    say("");
    start();
  });
  $("article").addEventListener("input", schedulePreview);
  $("upload").addEventListener("change", async () => {
    const file = $("upload").files[0];
    if (!file) return;
    $("article").value = await file.text();
    $("input-kind").value = guessKind(file.name);
    preview();
  });
  $("preview").addEventListener("click", (event) => {
    const el = event.target.closest(".span");
    if (el) openSpanEditor(Number(el.dataset.index));
  });
  $("preview").addEventListener("keydown", (event) => {
    const el = event.target.closest(".span");
    if (el && event.key === "Enter") openSpanEditor(Number(el.dataset.index));
  });
  $("span-editor").addEventListener("submit", saveCorrection);
  $("fix-cancel").addEventListener("click", () => { $("span-editor").hidden = true; });
  $("undo").addEventListener("click", undoCorrection);
  $("produce").addEventListener("click", produce);
  const player = $("audio");
  player.addEventListener("timeupdate", followPlayback);
  player.addEventListener("loadedmetadata", drawWaveform);
  $("waveform").addEventListener("click", (event) => {
    const box = event.currentTarget.getBoundingClientRect();
    const duration = player.duration || (state.peaks && state.peaks.duration) || 0;
    seek(((event.clientX - box.left) / box.width) * duration);
  });
  $("transcript").addEventListener("click", (event) => {
    const el = event.target.closest(".cue");
    if (el) seek(Number(el.dataset.start) + 0.01);
  });
  $("chapters").addEventListener("click", (event) => {
    const el = event.target.closest("li");
    if (el) seek(Number(el.dataset.start) + 0.01);
  });
  $("lexicon-add").addEventListener("submit", addLexiconEntry);
  $("feed-build").addEventListener("click", buildFeed);
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", drawWaveform);
  start();
}

function start() {
  loadOptions().catch((error) => { if (error.message !== "unauthorised") say(error.message, true); });
  loadRecent();
  route();
  if ($("article").value) preview();
}

init();
