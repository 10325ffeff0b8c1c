// The point inspector: for one point of the plane, what every neuron computes — its weighted sum
// z = Σ w·x + b and its output f(z) — on the activation's curve, and the network's answer.

import { t } from "./i18n.js";

const LAYER_COLOURS = ["#0877bd", "#f59322", "#2a9d5c", "#8e44ad", "#c0392b", "#555"];
const fmt = (v) => (v === null ? "NaN" : v.toFixed(3));

/** Show an "inspection" message from the server in `el` (a container with a canvas and a list). */
export function showInspection(el, message) {
  el.hidden = false;
  const [x1, x2] = message.point;
  el.querySelector(".inspector-title").textContent = t("inspect_title", { x1: x1.toFixed(2), x2: x2.toFixed(2) });
  const list = el.querySelector(".inspector-layers");
  list.replaceChildren();
  const hidden = message.layers.slice(0, -1);
  hidden.forEach((layer, i) => {
    const row = document.createElement("li");
    row.style.color = LAYER_COLOURS[i % LAYER_COLOURS.length];
    const pairs = layer.z.map((z, j) => `z=${fmt(z)} → f(z)=${fmt(layer.a[j])}`);
    row.textContent = `${t("inspect_layer", { n: i + 1 })}: ${pairs.join(" · ")}`;
    list.append(row);
  });
  const out = document.createElement("li");
  const value = message.output;
  out.textContent = message.problem === "regression" ? t("inspect_value", { value: fmt(value) })
    : t("inspect_probability", { value: fmt(message.signed ? (value + 1) / 2 : value) });
  list.append(out);
  drawCurve(el.querySelector("canvas"), message, hidden);
}

/** The activation's curve with each hidden neuron's (z, f(z)) marked, coloured by layer. */
function drawCurve(canvas, message, hidden) {
  const ctx = canvas.getContext("2d");
  const [zs, fs] = message.curve;
  const low = Math.min(-1, ...fs.filter((v) => v !== null));
  const high = Math.max(1, ...fs.filter((v) => v !== null));
  const x = (z) => ((Math.max(-5, Math.min(5, z)) + 5) / 10) * canvas.width;
  const y = (f) => canvas.height - 4 - ((Math.max(low, Math.min(high, f)) - low) / (high - low)) * (canvas.height - 8);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#ddd";
  ctx.beginPath();
  ctx.moveTo(0, y(0)); ctx.lineTo(canvas.width, y(0));
  ctx.moveTo(x(0), 0); ctx.lineTo(x(0), canvas.height);
  ctx.stroke();
  ctx.strokeStyle = "#333";
  ctx.beginPath();
  zs.forEach((z, i) => (i ? ctx.lineTo(x(z), y(fs[i])) : ctx.moveTo(x(z), y(fs[i]))));
  ctx.stroke();
  if (message.batch_norm) return; // with batch normalization f is applied to the normalized z
  hidden.forEach((layer, i) => {
    ctx.fillStyle = LAYER_COLOURS[i % LAYER_COLOURS.length];
    layer.z.forEach((z, j) => {
      if (z === null || layer.a[j] === null) return;
      ctx.beginPath();
      ctx.arc(x(z), y(layer.a[j]), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    });
  });
}
