// The page: its state, the messages to and from the server, and what each control does.
// The server trains and sends frames; the page draws them and sends the learner's choices.

import { LossChart } from "./chart.js";
import { DATASETS, DOMAIN, FEATURES, FEATURE_LABELS, HIDEABLE, MAX_LAYERS, MAX_NEURONS, MAX_POINTS,
  consistent, fromHash, serverConfig, toHash, withView } from "./config.js";
import { applyHides, bindControls, renderControls } from "./controls.js";
import { drawAxes, drawBatch, drawMap, drawPoints, drawSketch } from "./heatmap.js";
import { currentLanguage, explain, setLanguage, t } from "./i18n.js";
import { showInspection } from "./inspector.js";
import { CHAPTERS, LESSONS } from "./lessons.js";
import { NetworkView } from "./network-view.js";
import { labelFor, parseCsv, planePoint, pointsFromData } from "./own-data.js";
import { connect } from "./protocol.js";

const $ = (selector) => document.querySelector(selector);

const state = {
  config: fromHash(location.hash), // what the page shows and asks for
  confirmed: null,                 // the last configuration the server accepted
  points: null,                    // the learner's own points, when the data set is "custom"
  data: { train: [], test: [] },   // the points of the current run, as the server sent them
  frame: null,                     // the last frame: {header, maps} (maps: hidden neurons, output)
  featureMaps: [],                 // every feature's picture, in FEATURES order (sent once)
  run: 0,
  message: null,                   // [key, values, detail] of the note under the output
  noteForNextRun: null,            // a note to show once the server has started the next run
  before: null,                    // the data set shown before the learner's own points
};

const chart = new LossChart($("#loss-chart"), $("#chart-note"));
const view = new NetworkView($("#network"), {
  toggleFeature(name) {
    const chosen = state.config.features;
    const next = chosen.includes(name) ? chosen.filter((f) => f !== name) : [...chosen, name];
    if (next.length) change({ features: FEATURES.filter((f) => next.includes(f)) });
  },
  changeNeurons(layer, delta) {
    const hidden = [...state.config.hidden];
    hidden[layer] = Math.max(1, Math.min(MAX_NEURONS, hidden[layer] + delta));
    change({ hidden });
  },
  setWeight(layer, source, target, value) {
    const clipped = Math.max(-100, Math.min(100, value));
    socket.send({ type: "set_weight", layer, source, target, value: clipped });
  },
});

const socket = connect({
  open: () => sendConfig(),
  close: () => {
    if (!FINAL_NOTES.includes(state.message?.[0])) note("disconnected");
    stopped();
  },
  frame: ({ header, maps }) => {
    showFrame(header, maps);
    socket.send({ type: "drawn" }); // the server sends the next frames only as we keep up
  },
  data: (message) => {
    state.data = message;
    drawData();
  },
  export: (message) => download(message),
  inspection: (message) => showInspection($("#inspector"), message),
  error: (message) => {
    note(`error_${message.code}`, {}, message);
    if (state.confirmed) {
      state.config = withView(state.confirmed, state.config);
      render();
    }
  },
});

// --- the configuration ---------------------------------------------------------------------
/** Change fields of the configuration; the server hears of it unless only the view changed. */
function change(fields, viewOnly = false) {
  Object.assign(state.config, fields);
  consistent(state.config, state.points);
  render();
  if (!viewOnly) sendConfig();
}

const MIN_OWN_POINTS = 4;          // the server trains on the learner's points from this many on
const FINAL_NOTES = ["error_too_many_pages", "error_idle"]; // the server said why it closed

function sendConfig() {
  const points = state.points;
  if (state.config.dataset === "custom" && points.length < MIN_OWN_POINTS) {
    // too few to train on (an empty plane being filled): shown here, sent once there are enough
    const value = ([x1, x2, label]) => [x1, x2, state.config.problem === "classification" ? 2 * label - 1 : label];
    state.data = { train: points.map(value), test: [] };
    drawData();
    note("need_points", { n: points.length, min: MIN_OWN_POINTS });
    return;
  }
  if (state.message?.[0] === "need_points") note(null);
  socket.send({ type: "config", config: serverConfig(state.config, state.points) });
}

function render() {
  renderControls(document, state.config);
  history.replaceState(null, "", toHash(state.config));
  $("#show-test").checked = state.config.show_test;
  $("#discretize").checked = state.config.discretize;
  $("#animate").checked = state.config.animate;
  $("#links").classList.toggle("animate", state.config.animate);
  applyHides(document, state.config.hide);
  showLesson(state.config.tutorial);
  $("#explainer").classList.toggle("hidden-text", state.config.hideText);
  for (const box of document.querySelectorAll("#classroom-choices input")) box.checked = state.config.hide.includes(box.value);
  $("#share-link").value = location.href;
  drawData();
  if (state.frame) drawOutput();
}

// --- frames and data -------------------------------------------------------------------------
function showFrame(header, maps) {
  if (header.feature_maps) state.featureMaps = maps.slice(0, FEATURES.length);
  state.frame = { header, maps: header.feature_maps ? maps.slice(FEATURES.length) : maps };
  state.confirmed = { ...state.config, ...header.config };
  if (header.run !== state.run) {
    state.run = header.run;
    chart.clear();
    note(...(state.noteForNextRun ?? [null]));
    state.noteForNextRun = null;
  }
  chart.add(header.losses);
  drawFrame();
}

/** The server is gone: nothing plays any more, and the run buttons say so. */
function stopped() {
  if (state.frame) state.frame.header.playing = false;
  showPlaying(false);
  for (const id of ["#play", "#step", "#reset"]) $(id).disabled = true;
}

function showPlaying(playing) {
  const play = $("#play");
  play.innerHTML = playing ? "&#10074;&#10074;" : "&#9654;";
  play.dataset.i18nTitle = playing ? "pause" : "play";
  play.title = t(play.dataset.i18nTitle);
  play.setAttribute("aria-label", play.title);
  play.classList.toggle("playing", playing);
}

function drawFrame() {
  const { header, maps } = state.frame;
  $("#epoch").textContent = String(header.epoch).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const perceptron = header.mode === "perceptron";
  $("#test-loss-label").textContent = t(perceptron ? "test_error" : "test_loss");
  $("#train-loss-label").textContent = t(perceptron ? "train_error" : "train_loss");
  $("#test-loss").textContent = header.test_loss === null ? "NaN" : header.test_loss.toFixed(3);
  $("#train-loss").textContent = header.train_loss === null ? "NaN" : header.train_loss.toFixed(3);
  showPlaying(header.playing);
  $("#status").textContent = header.status ? t(`status_${header.status}`) : "";
  view.update(header, state.featureMaps, maps);
  $("#backprop-help").hidden = !header.batch;
  const dead = (header.dead ?? []).reduce((a, b) => a + b, 0);
  $("#dead-note").hidden = dead === 0;
  $("#dead-note").textContent = dead ? t(dead === 1 ? "dead_one" : "dead_many", { n: dead }) : "";
  if (header.batch || state.batchShown) drawData();   // its points ringed, or the rings gone
  state.batchShown = Boolean(header.batch);
  applyHides($("#network"), state.config.hide);
  drawOutput();
}

function drawOutput() {
  const { header, maps } = state.frame;
  const discrete = state.config.discretize && header.problem === "classification";
  drawMap($("#output-map"), maps[maps.length - 1], discrete);
}

function drawData() {
  const canvas = $("#points");
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  drawAxes(canvas, DOMAIN);
  drawPoints(canvas, state.data.train, DOMAIN, false);
  if (state.config.show_test) drawPoints(canvas, state.data.test, DOMAIN, true);
  const batch = state.frame?.header.batch;
  if (batch) drawBatch(canvas, batch.points.map((i) => state.data.train[i]).filter(Boolean), DOMAIN);
}

// --- notes and downloads ---------------------------------------------------------------------
/** Show a note under the output (`key` null: none); `error`: the server's error message, whose
 *  details are said in the page's language where the server named its reason. */
function note(key, values = {}, error = null) {
  state.message = key && [key, values, error];
  const detail = error ? explain(error) : "";
  $("#message").textContent = key ? t(key, values) + (detail ? ` (${detail})` : "") : "";
}

function download({ filename, mime, data }) {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- the learner's own points ----------------------------------------------------------------
function setPoints(points) {
  if (points && state.config.dataset !== "custom") state.before = state.config.dataset;
  const back = DATASETS[state.config.problem].includes(state.before) ? state.before : DATASETS[state.config.problem][0];
  state.points = points;
  change({ dataset: points ? "custom" : back });
}

function addPoint(event) {
  const [x1, x2] = planePoint(event.currentTarget, event);
  if ($("#inspect-mode").checked) socket.send({ type: "inspect", x1, x2 });
  else addPointAt([x1, x2]);
}

/** Add a point of the chosen class at [x1, x2], onto the current set. */
function addPointAt(xy) {
  const base = state.config.dataset === "custom" ? state.points : pointsFromData(state.data, state.config.problem);
  if (base.length >= MAX_POINTS) {
    note("error_too_many_points", { n: MAX_POINTS });
    return;
  }
  if (!xy.every((v) => Number.isFinite(v) && Math.abs(v) <= DOMAIN)) return;
  const pointClass = document.querySelector("input[name=point-class]:checked").value;
  setPoints([...base, [...xy, labelFor(pointClass, state.config.problem)]]);
}

async function loadCsv(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const points = parseCsv(await file.text(), state.config.problem);
  if (points.length < 4) {
    note("error_csv");
    return;
  }
  state.noteForNextRun = ["csv_loaded", { n: points.length }];
  setPoints(points);
}

// --- wiring ------------------------------------------------------------------------------------
function wire() {
  bindControls(document, (key, value) => change({ [key]: value }));
  $("#play").addEventListener("click", () => socket.send({ type: state.frame?.header.playing ? "pause" : "play" }));
  $("#step").addEventListener("click", () => socket.send({ type: "step" }));
  $("#step-batch").addEventListener("click", () => socket.send({ type: "step_batch" }));
  $("#reset").addEventListener("click", () => socket.send({ type: "reset" }));
  $("#add-layer").addEventListener("click", () => {
    if (state.config.hidden.length < MAX_LAYERS) change({ hidden: [...state.config.hidden, 2] });
  });
  $("#remove-layer").addEventListener("click", () => change({ hidden: state.config.hidden.slice(0, -1) }));
  $("#regenerate").addEventListener("click", () => change({ seed: Math.floor(Math.random() * 2 ** 31) }));
  for (const button of document.querySelectorAll("[data-dataset]")) {
    drawSketch(button.querySelector("canvas"), button.dataset.dataset);
    button.addEventListener("click", () => {
      const name = button.dataset.dataset;
      if (name !== "custom") change({ dataset: name });
      else setPoints(state.points ?? pointsFromData(state.data, state.config.problem));
    });
  }
  $("#show-test").addEventListener("change", (e) => change({ show_test: e.target.checked }, true));
  $("#discretize").addEventListener("change", (e) => change({ discretize: e.target.checked }, true));
  $("#animate").addEventListener("change", (e) => change({ animate: e.target.checked }, true));
  $("#copy-link").addEventListener("click", copyLink);
  $("#close-lesson").addEventListener("click", () => change({ tutorial: "" }, true));
  $("#inspect-mode").addEventListener("change", (e) => { if (!e.target.checked) $("#inspector").hidden = true; });
  $("#add-point").addEventListener("submit", (event) => {   // the keyboard's way to add a point
    event.preventDefault();
    const form = event.target;
    addPointAt([Number(form.x1.value), Number(form.x2.value)]);
  });
  $("#points").addEventListener("click", addPoint);
  $("#csv").addEventListener("change", loadCsv);
  $("#clear-points").addEventListener("click", () => setPoints(null));
  $("#empty-plane").addEventListener("click", () => setPoints([]));
  $("#export-script").addEventListener("click", () => socket.send({ type: "export", format: "script" }));
  $("#export-model").addEventListener("click", () => socket.send({ type: "export", format: "model" }));
  $("#language").addEventListener("click", () => translate(currentLanguage() === "es" ? "en" : "es", true));
}

// --- lessons ---------------------------------------------------------------------------------
function showLesson(name) {
  $("#lesson").hidden = !name;
  if (!name) return;
  $("#lesson-title").textContent = t(`lesson_${name}_title`);
  $("#lesson-text").textContent = t(`lesson_${name}`);
  const chapter = CHAPTERS[name];
  $("#lesson-chapter").textContent = t("course_chapter", { n: chapter.n });
  $("#lesson-file").textContent = `docs/course/${currentLanguage()}/${chapter[currentLanguage()]}.ipynb`;
}

function buildLessonLinks() {
  const links = Object.keys(LESSONS).map((name) => {
    const link = Object.assign(document.createElement("a"), { href: `#tutorial=${name}` });
    link.textContent = t(`lesson_${name}_title`);
    link.addEventListener("click", (event) => {     // a new lesson: its own settings, from scratch
      event.preventDefault();
      state.points = null;
      state.config = fromHash(`#tutorial=${name}`);
      render();
      sendConfig();
    });
    return link;
  });
  $("#lesson-links").replaceChildren(...links);
}

// --- classroom mode: a checkbox for every part a lesson can hide -------------------------------
const HIDE_LABELS = { dataset: "data", layers: "hidden_layers", reset: "reset", step: "step",
  export: "export_buttons", language: "language_button", text: "explanatory_text" };

function buildClassroom() {
  const choices = $("#classroom-choices");
  choices.replaceChildren();
  for (const name of HIDEABLE) {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name });
    box.checked = state.config.hide.includes(name);
    box.addEventListener("change", () => {
      const hide = HIDEABLE.filter((n) => (n === name ? box.checked : state.config.hide.includes(n)));
      change({ hide }, true);
    });
    const text = FEATURES.includes(name) ? FEATURE_LABELS[name] : t(HIDE_LABELS[name] ?? name);
    label.append(box, " ", text);
    choices.append(label);
  }
}

async function copyLink() {
  const input = $("#share-link");
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    note("link_copied");
  } catch {
    note("link_select"); // selected: the learner copies it by hand
  }
}

function translate(lang, remember = false) {
  setLanguage(lang, document, remember);
  renderControls(document, state.config);
  buildClassroom();
  buildLessonLinks();
  showLesson(state.config.tutorial);
  $("#language").textContent = lang === "es" ? "EN" : "ES";
  view.translate();
  if (state.frame) drawFrame();
  chart.draw();
  if (state.message) note(...state.message);
}

wire();
translate(currentLanguage());
render();
note("connecting");
