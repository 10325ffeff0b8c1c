// The loss curve: training loss (grey) and test loss (black) against the epoch.

const MAX_POINTS = 2000; // beyond this, every other point is dropped (the curve keeps its shape)

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.clear();
  }

  clear() {
    this.points = []; // [epoch, train, test]
    this.draw();
  }

  /** Add [epoch, train, test] entries; an entry for the last epoch again replaces it. */
  add(entries) {
    for (const entry of entries) {
      const last = this.points[this.points.length - 1];
      if (last && last[0] === entry[0]) this.points[this.points.length - 1] = entry;
      else this.points.push(entry);
    }
    if (this.points.length > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
    this.draw();
  }

  draw() {
    const { canvas, points } = this;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#ddd";
    ctx.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
    const finite = points.flatMap((p) => [p[1], p[2]]).filter((v) => v !== null && Number.isFinite(v));
    if (points.length < 2 || !finite.length) return;
    const top = Math.max(...finite) * 1.05 || 1;
    const first = points[0][0];
    const span = Math.max(points[points.length - 1][0] - first, 1);
    const x = (epoch) => 2 + ((epoch - first) / span) * (canvas.width - 4);
    const y = (loss) => canvas.height - 2 - (loss / top) * (canvas.height - 4);
    for (const [column, style] of [[1, "#999"], [2, "#111"]]) {
      ctx.beginPath();
      ctx.strokeStyle = style;
      ctx.lineWidth = 1.5;
      let drawing = false;
      for (const p of points) {
        if (p[column] === null) { drawing = false; continue; }
        if (drawing) ctx.lineTo(x(p[0]), y(p[column]));
        else ctx.moveTo(x(p[0]), y(p[column]));
        drawing = true;
      }
      ctx.stroke();
    }
  }
}
