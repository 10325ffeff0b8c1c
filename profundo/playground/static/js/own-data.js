// The learner's own data: points added by clicking on the output, or read from a CSV file.
// A point is [x1, x2, label]: label 0 or 1 for classification, −1 … 1 for regression.

import { DOMAIN, MAX_POINTS } from "./config.js";

const round = (v) => Math.round(v * 100) / 100;

/** The shown points (display values −1 … 1) as labelled points, to start editing from. */
export function pointsFromData(data, problem) {
  return [...data.train, ...data.test].map(([x1, x2, value]) => [
    round(x1), round(x2), problem === "classification" ? (value > 0 ? 1 : 0) : value,
  ]);
}

/** The point of the plane under a click on `canvas`. */
export function planePoint(canvas, event) {
  const r = canvas.getBoundingClientRect();
  const x1 = ((event.clientX - r.left) / r.width) * 2 * DOMAIN - DOMAIN;
  const x2 = DOMAIN - ((event.clientY - r.top) / r.height) * 2 * DOMAIN;
  const clip = (v) => round(Math.max(-DOMAIN, Math.min(DOMAIN, v)));
  return [clip(x1), clip(x2)];
}

/** The label of a new point of the chosen class ("1" blue, "0" orange). */
export function labelFor(pointClass, problem) {
  if (problem === "classification") return pointClass === "1" ? 1 : 0;
  return pointClass === "1" ? 1 : -1;
}

/** Points from CSV text: rows "x1, x2, label" (commas, semicolons or tabs); rows that are not
 *  three numbers in range (a header, say) are skipped. At most MAX_POINTS are kept. */
export function parseCsv(text, problem) {
  const points = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length < 3) continue;
    const [x1, x2, raw] = cells.slice(0, 3).map(Number);
    if (![x1, x2, raw].every(Number.isFinite)) continue;
    if (Math.abs(x1) > DOMAIN || Math.abs(x2) > DOMAIN) continue;
    let label = raw;
    if (problem === "classification") {
      if (raw === -1) label = 0;
      if (label !== 0 && label !== 1) continue;
    } else if (Math.abs(raw) > 1) continue;
    points.push([x1, x2, label]);
    if (points.length === MAX_POINTS) break;
  }
  return points;
}
