// The form: every element with data-key="field" edits that field of the configuration
// (selects, ranges with an optional data-scale, checkboxes); the page shows only the controls
// that apply to the chosen mode, problem and optimizer.

import { MAX_LAYERS } from "./config.js";
import { t } from "./i18n.js";

/** Call `onChange(key, value)` when a control changes. */
export function bindControls(root, onChange) {
  for (const el of root.querySelectorAll("[data-key]")) {
    const part = el.closest("label") ?? el;           // what classroom mode hides for this field
    part.dataset.hide ??= el.dataset.key;
    const read = () => {
      if (el.type === "checkbox") return el.checked;
      if (el.type === "range") return Number(el.value) / Number(el.dataset.scale || 1);
      return el.dataset.type === "number" ? Number(el.value) : el.value;
    };
    el.addEventListener(el.type === "range" ? "input" : "change", () => onChange(el.dataset.key, read()));
  }
}

function showValue(root, key, value) {
  const out = root.querySelector(`output[data-for="${key}"]`);
  if (!out) return;
  out.textContent = key === "batch_size" ? String(value) : `${Math.round(value * 100)}%`;
}

function setSelect(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) select.add(new Option(text, text));
  select.value = text;
}

/** Show `config` in the controls and hide what does not apply to it. */
export function renderControls(root, config) {
  for (const el of root.querySelectorAll("[data-key]")) {
    const value = config[el.dataset.key];
    if (el.type === "checkbox") el.checked = value;
    else if (el.type === "range") el.value = Math.round(value * Number(el.dataset.scale || 1));
    else if (el.tagName === "SELECT") setSelect(el, value);
    showValue(root, el.dataset.key, value);
  }
  const perceptron = config.mode === "perceptron";
  for (const el of root.querySelectorAll(".network-only")) el.hidden = perceptron;
  for (const el of root.querySelectorAll(".perceptron-only")) el.hidden = !perceptron;
  for (const name of ["momentum", "adam", "rmsprop"]) {
    for (const el of root.querySelectorAll(`.for-${name}`)) el.hidden = perceptron || config.optimizer !== name;
  }
  for (const problem of ["classification", "regression"]) {
    for (const el of root.querySelectorAll(`.for-${problem}`)) el.hidden = config.problem !== problem;
  }
  for (const button of root.querySelectorAll("[data-dataset]")) {
    button.classList.toggle("selected", button.dataset.dataset === config.dataset);
  }
  const layers = config.hidden.length;
  root.querySelector("#hidden-count").textContent = String(layers);
  const word = root.querySelector("#hidden-word");
  word.dataset.i18n = layers === 1 ? "hidden_layer" : "hidden_layers";
  word.textContent = t(word.dataset.i18n);
  root.querySelector("#add-layer").disabled = layers >= MAX_LAYERS;
  root.querySelector("#remove-layer").disabled = layers === 0;
}

/** Hide the parts of the page a lesson does not need (classroom mode: `hide`, a list of names). */
export function applyHides(root, hide) {
  for (const el of root.querySelectorAll("[data-hide]")) {
    el.classList.toggle("classroom-hidden", hide.includes(el.dataset.hide));
  }
}
