// Drawing heat maps and points. A heat map arrives as bytes: 0 is −1 (orange), 128 is 0 (white),
// 255 is +1 (blue); each byte is turned into a colour through a 256-entry table.

const ORANGE = [245, 147, 34];
const WHITE = [232, 234, 235];
const BLUE = [8, 119, 189];

/** The colour of a value in [−1, 1], as [r, g, b]. */
export function colour(value) {
  const v = Math.max(-1, Math.min(1, value));
  const end = v < 0 ? ORANGE : BLUE;
  const a = Math.abs(v);
  return WHITE.map((w, i) => Math.round(w + (end[i] - w) * a));
}

export function cssColour(value) {
  return `rgb(${colour(value).join(",")})`;
}

function table(discrete) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let b = 0; b < 256; b++) {
    const value = b / 127.5 - 1;
    const rgb = discrete ? (value < 0 ? ORANGE : BLUE) : colour(value);
    lut.set([...rgb, 255], b * 4);
  }
  return lut;
}

const SMOOTH = table(false);
const DISCRETE = table(true);

/** Draw a square map of bytes on a canvas of its size; `discrete`: two colours only. */
export function drawMap(canvas, bytes, discrete = false) {
  const size = Math.round(Math.sqrt(bytes.length));
  const ctx = canvas.getContext("2d");
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const image = ctx.createImageData(size, size);
  const lut = discrete ? DISCRETE : SMOOTH;
  const pixels = image.data;
  for (let i = 0; i < bytes.length; i++) {
    const j = bytes[i] * 4;
    pixels[i * 4] = lut[j];
    pixels[i * 4 + 1] = lut[j + 1];
    pixels[i * 4 + 2] = lut[j + 2];
    pixels[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Draw points [x1, x2, value] on a canvas showing the plane [−domain, domain]²; test points
 *  get a dark ring, training points a white one. */
export function drawPoints(canvas, points, domain, isTest) {
  const ctx = canvas.getContext("2d");
  const scale = canvas.width / (2 * domain);
  const radius = Math.max(2.5, canvas.width / 120);
  ctx.lineWidth = 1;
  ctx.strokeStyle = isTest ? "#222" : "#fff";
  for (const [x1, x2, value] of points) {
    ctx.beginPath();
    ctx.arc((x1 + domain) * scale, (domain - x2) * scale, radius, 0, 2 * Math.PI);
    ctx.fillStyle = cssColour(value);
    ctx.fill();
    ctx.stroke();
  }
}

/** Ring the points of the mini-batch just trained on. */
export function drawBatch(canvas, points, domain) {
  const ctx = canvas.getContext("2d");
  const scale = canvas.width / (2 * domain);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = "#111";
  for (const [x1, x2] of points) {
    ctx.beginPath();
    ctx.arc((x1 + domain) * scale, (domain - x2) * scale, Math.max(6, canvas.width / 55), 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** Light axis ticks at every unit of the plane. */
export function drawAxes(canvas, domain) {
  const ctx = canvas.getContext("2d");
  const scale = canvas.width / (2 * domain);
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.font = `${Math.round(canvas.width / 40)}px sans-serif`;
  for (let v = -domain + 2; v < domain; v += 2) {
    const p = (v + domain) * scale;
    ctx.fillText(String(v), p - 4, canvas.height - 4);
    ctx.fillText(String(-v), 3, p + 4);
  }
}

// The idea of each data set, as a function of the point, for the small pictures on its button.
const SKETCHES = {
  circle: (x, y) => (Math.hypot(x, y) < 3 ? 1 : -1),
  xor: (x, y) => (x * y >= 0 ? 1 : -1),
  gauss: (x, y) => Math.tanh(Math.hypot(x + 2, y + 2) - Math.hypot(x - 2, y - 2)),
  spiral: (x, y) => {
    const r = Math.hypot(x, y);
    const turn = (Math.atan2(x, y) - (3.5 * Math.PI * r) / 5) / Math.PI;
    return Math.cos(turn * Math.PI) >= 0 ? 1 : -1;
  },
  plane: (x, y) => (x + y) / 12,
  multi_gauss: (x, y) => Math.tanh(3 * Math.sin(x * 0.8) * Math.sin(y * 0.6 + 1.6)),
  custom: (x, y) => (Math.abs(x) < 0.6 || Math.abs(y) < 0.6 ? 0.9 : 0),
};

/** Paint the picture of data set `name` on a small canvas. */
export function drawSketch(canvas, name) {
  const size = canvas.width;
  const bytes = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const x = ((col + 0.5) / size) * 12 - 6;
      const y = 6 - ((row + 0.5) / size) * 12;
      bytes[row * size + col] = Math.round((SKETCHES[name](x, y) + 1) * 127.5);
    }
  }
  drawMap(canvas, bytes);
}
