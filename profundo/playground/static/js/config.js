// The learner's configuration: its fields, defaults and limits (the same as the server's schema,
// which checks every message again), and its form in the URL: #dataset=spiral&hidden=8,8&...

import { LESSONS } from "./lessons.js";

export const FEATURES = ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"];
export const FEATURE_LABELS = {
  x1: "x₁", x2: "x₂", x1_sq: "x₁²", x2_sq: "x₂²", x1x2: "x₁x₂", sin_x1: "sin(x₁)", sin_x2: "sin(x₂)",
};
export const DATASETS = {
  classification: ["circle", "xor", "gauss", "spiral"],
  regression: ["plane", "multi_gauss"],
};
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;
export const MAX_POINTS = 5000;
export const DOMAIN = 6;

/** What a teacher can hide for a lesson: `NAME_hide=1` in the URL hides the page's parts marked
 *  data-hide="NAME" (a feature not in use is hidden from the network's inputs). */
export const HIDEABLE = ["mode", "learning_rate", "activation", "regularization", "regularization_rate",
  "problem", "optimizer", "dataset", "train_ratio", "noise", "batch_size", "n_points", "regenerate",
  "own_data", "layers", "dropout", "batch_norm", "loss", "init_zero", "reset", "step", "export", "language", "show_test",
  "discretize", "animate", "text", ...FEATURES];

const enumField = (values, value) => ({ kind: "enum", values, value });
const numberField = (min, max, value, integer = false) => ({ kind: "number", min, max, value, integer });

const FIELDS = {
  mode: enumField(["network", "perceptron"], "network"),
  problem: enumField(["classification", "regression"], "classification"),
  dataset: enumField([...DATASETS.classification, ...DATASETS.regression, "custom"], "circle"),
  n_points: numberField(4, MAX_POINTS, 500, true),
  noise: numberField(0, 0.5, 0),
  train_ratio: numberField(0.1, 0.9, 0.5),
  seed: numberField(0, 2 ** 31 - 1, 0, true),
  features: { kind: "features", value: ["x1", "x2"] },
  hidden: { kind: "layers", value: [4, 2] },
  activation: enumField(["relu", "tanh", "sigmoid", "linear", "elu", "leaky_relu", "selu", "gelu"], "tanh"),
  regularization: enumField(["none", "l1", "l2"], "none"),
  regularization_rate: numberField(0, 10, 0),
  learning_rate: numberField(1e-5, 10, 0.03),
  batch_size: numberField(1, MAX_POINTS, 10, true),
  optimizer: enumField(["sgd", "momentum", "adam", "rmsprop"], "sgd"),
  momentum: numberField(0, 0.999, 0.9),
  beta_1: numberField(0, 0.9999, 0.9),
  beta_2: numberField(0, 0.9999, 0.999),
  rho: numberField(0, 0.9999, 0.9),
  dropout: numberField(0, 0.9, 0),
  batch_norm: { kind: "bool", value: false },
  loss: enumField(["default", "squared_error"], "default"),
  init_zero: { kind: "bool", value: false },
  // how the output is shown: kept in the URL, never sent to the server
  show_test: { kind: "bool", value: false, view: true },
  discretize: { kind: "bool", value: false, view: true },
  animate: { kind: "bool", value: true, view: true },
  hideText: { kind: "bool", value: false, view: true }, // (TensorFlow Playground's name for it)
  tutorial: { kind: "enum", values: ["", ...Object.keys(LESSONS)], value: "", view: true },
};

/** A fresh copy of the default configuration (`hide`: the parts hidden for a lesson). */
export function defaults() {
  const config = Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, structuredClone(f.value)]));
  config.hide = [];
  return config;
}

/** The value of `text` for field `key`, or undefined when it is not acceptable. */
function parseField(key, text) {
  const field = FIELDS[key];
  if (field.kind === "enum") return field.values.includes(text) ? text : undefined;
  if (field.kind === "bool") return text === "1" ? true : text === "0" ? false : undefined;
  if (field.kind === "features") {
    const names = text.split(",").filter((name) => FEATURES.includes(name));
    return names.length ? FEATURES.filter((name) => names.includes(name)) : undefined;
  }
  if (field.kind === "layers") {
    if (text === "") return [];
    const sizes = text.split(",").map(Number);
    const ok = sizes.length <= MAX_LAYERS && sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS);
    return ok ? sizes : undefined;
  }
  const value = Number(text);
  const ok = text !== "" && Number.isFinite(value) && value >= field.min && value <= field.max &&
    (!field.integer || Number.isInteger(value));
  return ok ? value : undefined;
}

function formatField(key, value) {
  const kind = FIELDS[key].kind;
  if (kind === "bool") return value ? "1" : "0";
  if (kind === "features" || kind === "layers") return value.join(",");
  return String(value);
}

/** A configuration from a URL hash; missing or unacceptable values take their defaults. */
export function fromHash(hash) {
  const config = defaults();
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const lesson = LESSONS[params.get("tutorial")];
  for (const source of [new URLSearchParams(lesson ?? ""), params]) { // the lesson's, then the URL's
    for (const key of Object.keys(FIELDS)) {
      if (!source.has(key)) continue;
      const value = parseField(key, source.get(key));
      if (value !== undefined) config[key] = value;
    }
  }
  config.hide = HIDEABLE.filter((name) => ["1", "true"].includes(params.get(`${name}_hide`)));
  return consistent(config);
}

/** The URL hash of a configuration (the learner's own points are not in it). */
export function toHash(config) {
  const params = new URLSearchParams();
  for (const key of Object.keys(FIELDS)) params.set(key, formatField(key, config[key]));
  if (!config.tutorial) params.delete("tutorial");
  for (const name of config.hide) params.set(`${name}_hide`, "1");
  return "#" + params.toString();
}

/** The message's configuration: the fields the server knows, with the learner's points when
 *  the data set is theirs. */
export function serverConfig(config, points) {
  const message = {};
  for (const [key, field] of Object.entries(FIELDS)) if (!field.view) message[key] = config[key];
  if (config.dataset === "custom") message.points = points;
  return message;
}

/** `server`'s settings with `view`'s choices of how to show them (and what a lesson hides). */
export function withView(server, view) {
  const viewKeys = Object.keys(FIELDS).filter((key) => FIELDS[key].view);
  return { ...server, ...Object.fromEntries([...viewKeys, "hide"].map((key) => [key, view[key]])) };
}

/** Fix what the fields say together: the data set fits the problem; the perceptron classifies. */
export function consistent(config, points = null) {
  if (config.mode === "perceptron") config.problem = "classification";
  const allowed = DATASETS[config.problem];
  if (config.dataset !== "custom" && !allowed.includes(config.dataset)) config.dataset = allowed[0];
  if (config.dataset === "custom" && !points) config.dataset = allowed[0];
  return config;
}
