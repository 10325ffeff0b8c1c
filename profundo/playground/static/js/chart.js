// The experiment chart: training loss (grey) and test loss (black) against the epoch, with the
// accuracies (dashed, on the right-hand scale 0–1) in classification, axes and a legend, a dot
// at the lowest test loss (where early stopping would stop), the previous run as a faint curve,
// and a note when the test loss oscillates or climbs.

import { t } from "./i18n.js";

const MAX_POINTS = 2000; // beyond this, every other point is dropped (the curve keeps its shape)
const PAD = { left: 34, right: 30, top: 8, bottom: 16 };
const SERIES = [ // [column, colour, dashed, right-hand scale]
  [1, "#999", false, false], [2, "#111", false, false], [3, "#9cc3e0", true, true], [4, "#0877bd", true, true],
];

const finite = (v) => v !== null && v !== undefined && Number.isFinite(v);

export class LossChart {
  /** `noteEl`: where a warning about the curve is written. */
  constructor(canvas, noteEl) {
    this.canvas = canvas;
    this.noteEl = noteEl;
    this.previous = [];
    this.points = [];
    this.draw();
  }

  /** A new run: the current curve becomes the faint "previous run". */
  clear() {
    if (this.points.length > 1) this.previous = this.points;
    this.points = []; // [epoch, train, test, train accuracy, test accuracy]
    this.draw();
  }

  /** Add entries; an entry for the last epoch again replaces it. */
  add(entries) {
    for (const entry of entries) {
      const last = this.points[this.points.length - 1];
      if (last && last[0] === entry[0]) this.points[this.points.length - 1] = entry;
      else this.points.push(entry);
    }
    if (this.points.length > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
    if (entries.length) this.draw();
  }

  /** The lowest test loss so far: [epoch, loss], or null. */
  best() {
    let best = null;
    for (const p of this.points) if (finite(p[2]) && (!best || p[2] < best[1])) best = [p[0], p[2]];
    return best;
  }

  /** "oscillating", "rising" or null, from the last test losses. */
  trouble() {
    const tail = this.points.slice(-30).map((p) => p[2]).filter(finite);
    const best = this.best();
    if (tail.length < 10 || !best) return null;
    const last = tail[tail.length - 1];
    if (last > 1.5 * best[1] + 0.02 && tail[0] < last) return "rising";
    let turns = 0;
    let jumps = 0;
    for (let i = 2; i < tail.length; i++) {
      const a = tail[i - 1] - tail[i - 2];
      const b = tail[i] - tail[i - 1];
      if (a * b < 0) turns++;
      jumps += Math.abs(b);
    }
    const span = Math.max(...tail) - Math.min(...tail);
    return turns > tail.length * 0.6 && jumps > 4 * span && span > 0.02 ? "oscillating" : null;
  }

  draw() {
    const { canvas, points } = this;
    const ctx = canvas.getContext("2d");
    const w = canvas.width - PAD.left - PAD.right;
    const h = canvas.height - PAD.top - PAD.bottom;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#ccc";
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, w, h);
    const all = [...points, ...this.previous];
    const losses = all.flatMap((p) => [p[1], p[2]]).filter(finite);
    const top = losses.length ? Math.max(...losses) * 1.05 || 1 : 1;
    const epochs = all.map((p) => p[0]);
    const first = epochs.length ? Math.min(...epochs) : 0;
    const span = Math.max((epochs.length ? Math.max(...epochs) : 1) - first, 1);
    const x = (epoch) => PAD.left + ((epoch - first) / span) * w;
    const y = (value, right) => PAD.top + h - (right ? value : value / top) * h;
    // axes: loss on the left, accuracy on the right, epochs below
    ctx.fillStyle = "#555";
    ctx.font = "10px sans-serif";
    ctx.textAlign = "right";
    ctx.fillText(top.toPrecision(2), PAD.left - 3, PAD.top + 8);
    ctx.fillText("0", PAD.left - 3, PAD.top + h);
    ctx.textAlign = "center";
    ctx.fillText(String(first), PAD.left, canvas.height - 3);
    ctx.fillText(t("chart_epoch", { n: first + span }), PAD.left + w - 20, canvas.height - 3);
    const accuracy = points.some((p) => finite(p[4]));
    if (accuracy) {
      ctx.textAlign = "left";
      ctx.fillText("100%", PAD.left + w + 3, PAD.top + 8);
      ctx.fillText("0%", PAD.left + w + 3, PAD.top + h);
    }
    const line = (rows, column, colour, dashed, right, width = 1.5) => {
      ctx.beginPath();
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.setLineDash(dashed ? [4, 3] : []);
      let drawing = false;
      for (const p of rows) {
        if (!finite(p[column])) { drawing = false; continue; }
        if (drawing) ctx.lineTo(x(p[0]), y(p[column], right));
        else ctx.moveTo(x(p[0]), y(p[column], right));
        drawing = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(this.previous, 2, "rgba(0,0,0,0.15)", false, false, 1.2); // the previous run's test loss
    for (const [column, colour, dashed, right] of SERIES) line(points, column, colour, dashed, right);
    const best = this.best();
    if (best && points.length > 1) {
      ctx.fillStyle = "#c0392b";
      ctx.beginPath();
      ctx.arc(x(best[0]), y(best[1], false), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    this.describe(best, accuracy);
  }

  /** The legend's numbers and the warning, as text (read by screen readers on request). */
  describe(best, accuracy) {
    if (!this.noteEl) return;
    const last = this.points[this.points.length - 1];
    const parts = [];
    if (best && this.points.length > 1) parts.push(t("chart_best", { loss: best[1].toFixed(3), epoch: best[0] }));
    if (accuracy && last && finite(last[4])) parts.push(t("chart_accuracy", { value: Math.round(last[4] * 100) }));
    const trouble = this.trouble();
    if (trouble) parts.push(t(`chart_${trouble}`));
    this.noteEl.textContent = parts.join(" · ");
    this.noteEl.classList.toggle("warning", Boolean(trouble));
  }
}
