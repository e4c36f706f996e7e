// The blind arena: two anonymous sayings, a vote, then the reveal (model, provider, latency,
// cost), and the next battle. Nothing on the battle names a model before the vote: the page
// knows only what POST /api/arena/battles sends (text and services) until the vote answers.
import { ApiError, postJson } from "./api.js";
import { el, errorNotice, formatCost, formatMs, modelLabel, modelsOffText, notice, unreachableNotice } from "./ui.js";
import { loadModels, providerName } from "./models.js";
import { initBoard, loadBoard } from "./arena_board.js";

const section = document.getElementById("battle");
const battleNotice = document.getElementById("battle-notice");
const voteButtons = [...document.querySelectorAll("button.arena-vote")];
const nextButton = document.getElementById("next-battle");
const voteResult = document.getElementById("vote-result");
const side = (s) => ({ card: section.querySelector(`[data-side=${s}]`), text: section.querySelector(`[data-testid=text-${s}]`),
  reveal: section.querySelector(`[data-testid=reveal-${s}]`) });

// The battle in this tab survives a reload (sessionStorage), so reloading is no way to skip a
// pair; the server alone decides whether a vote counts (one per client per battle).
const BATTLE_KEY = "cs-arena-battle";
const CLIENT_KEY = "cs-arena-client";
let battle = null;

// An anonymous id this browser keeps, sent as X-Client-Id: one vote per browser per battle.
function clientId() {
  let id = localStorage.getItem(CLIENT_KEY);
  if (!id || !/^[0-9a-f]{32}$/.test(id)) {
    id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(CLIENT_KEY, id);
  }
  return id;
}
const options = () => ({ headers: { "X-Client-Id": clientId() } });

function setState(state) {
  section.dataset.state = state;
  document.body.dataset.state = state;
}

function setVoting(enabled) {
  for (const b of voteButtons) {
    b.disabled = !enabled;
    if (enabled) b.removeAttribute("aria-pressed");
  }
}

function clearSides(placeholder) {
  for (const s of ["a", "b"]) {
    const { card, text, reveal } = side(s);
    card.classList.remove("winner", "loser");
    text.replaceChildren(el("span", { class: "muted", text: placeholder }));
    text.classList.add("placeholder");  // no quotation marks round a placeholder
    reveal.replaceChildren();
    delete reveal.dataset.model;  // the last battle's reveal must not linger in the markup
    reveal.hidden = true;
  }
}

function show(b) {
  battle = b;
  section.dataset.battleId = b.battle_id;
  battleNotice.replaceChildren();
  clearSides("");
  for (const s of ["a", "b"]) {
    side(s).text.textContent = (b[s] && b[s].text) || "";
    side(s).text.classList.remove("placeholder");
  }
  voteResult.textContent = "";
  nextButton.textContent = "Skip this battle";
  nextButton.classList.remove("primary");
  setVoting(true);
  setState("battle");
}

function battleError(err) {
  setState("error");
  clearSides("No battle right now.");
  setVoting(false);
  if (err instanceof ApiError && err.code === "no_models") {
    battleNotice.replaceChildren(notice({ kind: "info", testid: "notice-no-models", title: "The arena needs two models",
      body: [el("p", {}, modelsOffText())] }));
  } else {
    battleNotice.replaceChildren(err instanceof ApiError && err.kind === "unreachable" ? unreachableNotice(newBattle) : errorNotice(err, newBattle));
  }
}

let asked = 0;  // the latest battle request: an older answer arriving late is dropped

async function newBattle() {
  const mine = ++asked;
  sessionStorage.removeItem(BATTLE_KEY);
  battle = null;
  delete section.dataset.battleId;
  setState("loading");
  setVoting(false);
  clearSides("Loading…");
  voteResult.textContent = "";
  try {
    const b = await postJson("/api/arena/battles", {}, options());
    if (mine !== asked) return;
    sessionStorage.setItem(BATTLE_KEY, JSON.stringify(b));
    show(b);
  } catch (err) {
    if (mine === asked) battleError(err);
  }
}

function revealSide(s, who, picked) {
  const { card, reveal } = side(s);
  const m = { id: who.model, display_name: modelLabel(modelInfo(who.model)) };
  reveal.dataset.model = who.model || "";
  reveal.replaceChildren(
    el("p", { class: "who" }, el("span", { class: "name", "data-testid": `model-${s}`, text: m.display_name }),
      el("span", { class: "badge provider", "data-testid": `provider-${s}`, text: providerName(who.provider) }),
      picked ? el("span", { class: "badge pick", text: "Your pick" }) : null),
    el("dl", { class: "meta" },
      el("div", {}, el("dt", { text: "Latency" }), el("dd", { "data-testid": `latency-${s}`, text: formatMs(who.latency_ms) })),
      el("div", {}, el("dt", { text: "Cost" }), el("dd", { "data-testid": `cost-${s}`, text: formatCost(who.cost_usd) }))));
  reveal.hidden = false;
  card.classList.toggle("winner", picked);
}

let catalog = [];
function modelInfo(id) {
  return catalog.find((m) => m.id === id) || { id };
}

const THANKS = "Your vote counted. Here is who wrote what; the leaderboard below includes it.";
const REPEAT = "Already counted: you voted on this battle before, and only your first vote counts.";

async function vote(button) {
  if (!battle) return;
  const winner = button.dataset.winner;
  setVoting(false);
  button.setAttribute("aria-pressed", "true");
  voteResult.textContent = "Sending your vote…";
  try {
    const r = await postJson(`/api/arena/battles/${encodeURIComponent(battle.battle_id)}/vote`, { winner }, options());
    catalog = await loadModels().catch(() => catalog);  // display names; no model is named before now
    revealSide("a", r.a || {}, winner === "a");
    revealSide("b", r.b || {}, winner === "b");
    voteResult.textContent = r.counted ? THANKS : REPEAT;
    voteResult.dataset.counted = String(Boolean(r.counted));
    nextButton.textContent = "Next battle";
    nextButton.classList.add("primary");
    setState("revealed");
    nextButton.focus();  // the vote buttons are disabled now; the next step is one key away
    if (r.counted) loadBoard();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      sessionStorage.removeItem(BATTLE_KEY);
      voteResult.textContent = "This battle is over (it expired, or the server restarted), so the vote was not recorded. Try the next one.";
      nextButton.textContent = "Next battle";
      nextButton.classList.add("primary");
      setState("expired");
      return;
    }
    setVoting(true);
    voteResult.textContent = err instanceof ApiError && err.kind === "unreachable"
      ? "Your vote could not be sent: the service is unreachable. Try again in a moment."
      : `Your vote was not recorded: ${err.message}`;
  }
}

for (const b of voteButtons) b.addEventListener("click", () => vote(b));
nextButton.addEventListener("click", () => newBattle());

function restore() {
  try {
    const b = JSON.parse(sessionStorage.getItem(BATTLE_KEY) || "null");
    if (b && typeof b.battle_id === "string" && b.a && b.b) return b;
  } catch { /* a damaged entry: start a new battle */ }
  return null;
}

const kept = restore();
if (kept) show(kept);
else newBattle();
initBoard();
