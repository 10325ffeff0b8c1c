// The network drawing: a column of input features, one column per hidden layer and the output
// neuron; every neuron a small heat map with its bias as a small square at its corner, every
// connection a curve coloured on the orange–white–blue scale by its weight (small weights fade
// out) and as wide as its size, its dashes moving while the network trains; under each layer a
// bar of its mean gradient size.

import { FEATURES, FEATURE_LABELS, MAX_NEURONS } from "./config.js";
import { cssColour, drawMap } from "./heatmap.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function element(tag, className, parent) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  parent?.appendChild(el);
  return el;
}

function formatNumber(value) {
  if (value === null) return "NaN"; // the server sends null for a weight that is not a number
  return Math.abs(value) >= 0.001 || value === 0 ? value.toFixed(3) : value.toExponential(2);
}

export class NetworkView {
  /** `actions`: toggleFeature(name), changeNeurons(layer, delta), setWeight(layer, source, target, value). */
  constructor(container, actions) {
    this.container = container;
    this.columnsEl = container.querySelector("#columns");
    this.svg = container.querySelector("#links");
    this.tooltip = document.getElementById("tooltip");
    this.zoom = document.getElementById("zoom");
    this.editor = document.getElementById("weight-editor");
    this.actions = actions;
    this.structure = "";
    new ResizeObserver(() => this.placeLinks()).observe(container);
    this.editor.addEventListener("submit", (event) => this.submitEdit(event));
    this.editor.addEventListener("keydown", (event) => event.key === "Escape" && this.closeEditor());
    this.editor.querySelector("input").addEventListener("blur", () => this.closeEditor());
  }

  /** Draw a frame: rebuild the columns if the network's shape changed, then maps, links, bars.
   *  `featureMaps`: every feature's picture (FEATURES order); `maps`: each neuron's, output last. */
  update(header, featureMaps, maps) {
    const structure = JSON.stringify([header.mode, header.features, header.layout]);
    if (structure !== this.structure) {
      this.structure = structure;
      this.build(header);
    }
    this.header = header;
    this.featureCells.forEach((cell, i) => featureMaps[i] && this.paint(cell, featureMaps[i]));
    this.neurons.forEach((cell, i) => this.paint(cell, maps[i]));
    this.drawLinks(header.weights, header.batch);
    this.drawBiases(header.weights);
    if (!header.playing) this.nameLinks(header.weights);
    this.drawGradients(header.gradients);
    this.svg.classList.toggle("flowing", header.playing);
  }

  /** Translate the texts made here (the rest of the page has data-i18n). */
  translate() {
    this.structure = ""; // rebuilt at the next update
  }

  paint(cell, bytes) {
    cell.map = bytes;
    drawMap(cell.canvas, bytes);
  }

  // --- columns ---------------------------------------------------------------------------
  build(header) {
    this.columnsEl.replaceChildren();
    this.featureCells = []; // every feature, in FEATURES order (those not in use faded)
    this.neurons = []; // in the frame's map order: hidden neurons, output
    this.columns = []; // per layer (features first): the neuron elements in weight order
    this.bars = [];
    const active = header.features;
    const featureColumn = this.column(t("features"));
    const activeCells = [];
    for (const name of FEATURES) {
      const on = active.includes(name);
      const cell = this.neuronCell(featureColumn, on ? "feature" : "feature off", FEATURE_LABELS[name]);
      cell.el.title = t("feature_toggle");
      if (!on) cell.el.dataset.hide = name; // classroom mode hides features not in use
      this.focusable(cell.el, t("feature_state", { name: FEATURE_LABELS[name], state: t(on ? "in_use" : "not_in_use") }));
      cell.el.setAttribute("aria-pressed", String(on));
      cell.el.addEventListener("click", () => this.actions.toggleFeature(name));
      this.featureCells.push(cell);
      if (on) activeCells[active.indexOf(name)] = cell;
    }
    this.columns.push(activeCells.map((c) => c.el));
    const hidden = header.layout.slice(1, -1);
    hidden.forEach((units, layer) => this.layerColumn(layer, units, true));
    this.layerColumn(hidden.length, 1, false);
    this.buildLinks(header.layout);
  }

  column(title) {
    const column = element("div", "column", this.columnsEl);
    element("div", "column-title", column).textContent = title;
    return element("div", "neurons", column);
  }

  /** A column of `units` neurons: a hidden layer (`hidden`, with + and − buttons) or the output. */
  layerColumn(layer, units, hidden) {
    const title = !hidden ? t("output_neuron") : units === 1 ? t("neuron") : t("neurons", { n: units });
    const neurons = this.column(title);
    const column = neurons.parentElement;
    if (hidden) {
      const buttons = element("div", "neuron-buttons", column);
      buttons.dataset.hide = "layers";
      column.insertBefore(buttons, neurons);
      for (const [text, delta, key] of [["+", 1, "add_neuron"], ["−", -1, "remove_neuron"]]) {
        const button = element("button", "round small", buttons);
        button.textContent = text;
        button.title = t(key);
        button.disabled = (delta > 0 && units >= MAX_NEURONS) || (delta < 0 && units <= 1);
        button.addEventListener("click", () => this.actions.changeNeurons(layer, delta));
      }
    }
    const cells = [];
    for (let j = 0; j < units; j++) {
      const cell = this.neuronCell(neurons, "unit", "");
      cell.el.addEventListener("click", (event) => this.openEditor(event, layer, null, j));
      this.focusable(cell.el, "");
      cell.bias = element("div", "bias", cell.el);
      cell.layer = layer;
      cell.unit = j;
      cells.push(cell);
    }
    this.neurons.push(...cells);
    this.columns.push(cells.map((c) => c.el));
    const bar = element("div", "gradient-bar", column);
    element("div", "fill", bar);
    this.bars.push(bar);
  }

  /** Reachable by Tab, named for screen readers, and Enter or space does what a click does. */
  focusable(el, name) {
    el.tabIndex = 0;
    el.setAttribute("role", "button");
    if (name) el.setAttribute("aria-label", name);
    el.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      const r = el.getBoundingClientRect();
      el.dispatchEvent(new MouseEvent("click", { clientX: r.right, clientY: r.top, bubbles: true }));
    });
  }

  neuronCell(parent, className, label) {
    const el = element("div", `neuron ${className}`, parent);
    const canvas = element("canvas", "", el);
    canvas.width = canvas.height = 1;
    if (label) element("span", "neuron-label", el).textContent = label;
    const cell = { el, canvas };
    el.addEventListener("mouseenter", () => this.showZoom(cell));
    el.addEventListener("mouseleave", () => this.hideHover());
    return cell;
  }

  // --- links -----------------------------------------------------------------------------
  buildLinks(layout) {
    this.svg.replaceChildren();
    this.links = []; // {path, hit, layer, source, target}
    for (let layer = 0; layer < layout.length - 1; layer++) {
      for (let source = 0; source < layout[layer]; source++) {
        for (let target = 0; target < layout[layer + 1]; target++) {
          const path = document.createElementNS(SVG, "path");
          const hit = document.createElementNS(SVG, "path");
          hit.classList.add("hit");
          this.focusable(hit, "");
          const link = { path, hit, layer, source, target };
          hit.addEventListener("mousemove", (event) => this.showWeight(event, link));
          hit.addEventListener("mouseleave", () => this.hideHover());
          hit.addEventListener("click", (event) => this.openEditor(event, layer, source, target));
          this.svg.append(path, hit);
          this.links.push(link);
        }
      }
    }
    this.placeLinks();
  }

  /** Put every link between its two neurons (after layout changes and resizes). */
  placeLinks() {
    if (!this.links) return;
    const box = this.container.getBoundingClientRect();
    this.svg.setAttribute("width", this.container.scrollWidth);
    this.svg.setAttribute("height", this.container.scrollHeight);
    const anchor = (el, side) => {
      const r = el.getBoundingClientRect();
      return [(side === "right" ? r.right : r.left) - box.left + this.container.scrollLeft,
        r.top + r.height / 2 - box.top + this.container.scrollTop];
    };
    for (const link of this.links) {
      const [x1, y1] = anchor(this.columns[link.layer][link.source], "right");
      const [x2, y2] = anchor(this.columns[link.layer + 1][link.target], "left");
      const mid = (x1 + x2) / 2;
      const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
      link.path.setAttribute("d", d);
      link.hit.setAttribute("d", d);
    }
  }

  /** Links show the weights; after one mini-batch (`batch`), its backpropagation instead: each
   *  link as wide as its |∂L/∂w| (relative to the largest), blue where the update raised the
   *  weight and orange where it lowered it. */
  drawLinks(weights, batch = null) {
    const largest = batch ? Math.max(1e-12, ...batch.gradients.flatMap((g) => g.kernel.flat().map((v) => Math.abs(v ?? 0)))) : 1;
    this.svg.classList.toggle("backprop", Boolean(batch));
    for (const link of this.links) {
      const { layer, source, target } = link;
      if (batch) {
        const g = Math.abs(batch.gradients[layer].kernel[source][target] ?? 0) / largest;
        const delta = batch.deltas[layer].kernel[source][target] ?? 0;
        link.path.setAttribute("stroke", cssColour(Math.sign(delta) * (0.35 + 0.65 * g)));
        link.path.setAttribute("stroke-width", (0.6 + 6 * g).toFixed(2));
        continue;
      }
      const w = weights[layer].kernel[source][target];
      link.path.setAttribute("stroke", w === null ? "#999" : cssColour(w));
      link.path.setAttribute("stroke-width", (0.6 + Math.min(Math.abs(w ?? 0), 4) * 1.6).toFixed(2));
    }
  }

  drawBiases(weights) {
    for (const cell of this.neurons) {
      const bias = weights[cell.layer].bias[cell.unit];
      cell.bias.style.background = bias === null ? "#999" : cssColour(bias);
      cell.el.setAttribute("aria-label", t("neuron_name", { layer: cell.layer + 1, unit: cell.unit + 1, bias: formatNumber(bias) }));
    }
  }

  /** Name every link for screen readers (when the page is not playing: names change each frame). */
  nameLinks(weights) {
    const sources = (layer, i) => (layer === 0 ? FEATURE_LABELS[this.header.features[i]] : `${layer}.${i + 1}`);
    for (const { hit, layer, source, target } of this.links) {
      hit.setAttribute("aria-label", t("link_name", { source: sources(layer, source), layer: layer + 1,
        unit: target + 1, value: formatNumber(weights[layer].kernel[source][target]) }));
    }
  }

  drawGradients(gradients) {
    this.bars.forEach((bar, layer) => {
      const g = gradients[layer];
      bar.hidden = g === undefined;
      if (g === undefined) return;
      const position = g === null ? 1 : g > 0 ? Math.min(Math.max((Math.log10(g) + 6) / 7, 0), 1) : 0;
      const fill = bar.firstChild;
      fill.style.width = `${(position * 100).toFixed(1)}%`;
      fill.className = g === null || g > 1 ? "fill exploding" : g < 1e-4 ? "fill vanishing" : "fill";
      bar.title = t("gradient", { value: formatNumber(g) });
    });
  }

  // --- hover and editing --------------------------------------------------------------------
  showZoom(cell) {
    if (!cell.map) return;
    drawMap(this.zoom, cell.map);
    const r = cell.el.getBoundingClientRect();
    this.zoom.style.left = `${r.right + window.scrollX + 8}px`;
    this.zoom.style.top = `${r.top + window.scrollY - 40}px`;
    this.zoom.hidden = false;
    if (cell.layer !== undefined) {
      const bias = this.header.weights[cell.layer].bias[cell.unit];
      this.showTooltip(r.right + 8, r.top - 62, t("bias", { value: formatNumber(bias) }));
    }
  }

  showWeight(event, link) {
    const { layer, source, target } = link;
    const w = this.header.weights[layer].kernel[source][target];
    let text = t("weight", { value: formatNumber(w) });
    const batch = this.header.batch;
    if (batch) {
      text += ` · ∂L/∂w ${formatNumber(batch.gradients[layer].kernel[source][target])}` +
        ` · Δw ${formatNumber(batch.deltas[layer].kernel[source][target])}`;
    }
    this.showTooltip(event.clientX + 12, event.clientY + 12, text);
  }

  showTooltip(x, y, text) {
    this.tooltip.textContent = text;
    this.tooltip.style.left = `${x + window.scrollX}px`;
    this.tooltip.style.top = `${y + window.scrollY}px`;
    this.tooltip.hidden = false;
  }

  hideHover() {
    this.tooltip.hidden = true;
    this.zoom.hidden = true;
  }

  openEditor(event, layer, source, target) {
    if (this.header.mode !== "network") return;
    const weights = this.header.weights[layer];
    const value = source === null ? weights.bias[target] : weights.kernel[source][target];
    this.editing = { layer, source, target };
    this.editor.querySelector("#weight-editor-label").textContent = t(source === null ? "set_bias" : "set_weight");
    const input = this.editor.querySelector("input");
    input.value = (value ?? 0).toFixed(3);
    this.editor.style.left = `${event.clientX + window.scrollX}px`;
    this.editor.style.top = `${event.clientY + window.scrollY}px`;
    this.editor.hidden = false;
    input.focus();
    input.select();
  }

  submitEdit(event) {
    event.preventDefault();
    const value = Number(this.editor.querySelector("input").value);
    if (this.editing && Number.isFinite(value)) {
      const { layer, source, target } = this.editing;
      this.actions.setWeight(layer, source, target, value);
    }
    this.closeEditor();
  }

  closeEditor() {
    this.editor.hidden = true;
    this.editing = null;
  }
}
