// Small inline SVG charts, one value per minute: bars for counts (calls, with failures and
// timeouts as a hatched part, so the difference does not rest on colour) and two lines for
// latency (p50 solid, p99 dashed). Each has a text alternative with its numbers.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 180;
const HEIGHT = 40;

function svg(label: string): SVGSVGElement {
  const root = document.createElementNS(SVG, "svg");
  root.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  root.setAttribute("width", String(WIDTH));
  root.setAttribute("height", String(HEIGHT));
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", label);
  root.setAttribute("class", "chart");
  return root;
}

function node(name: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Bars of `total` per minute, the `bad` part of each hatched. */
export function barChart(label: string, total: number[], bad: number[]): SVGSVGElement {
  const root = svg(label);
  const max = Math.max(1, ...total);
  const step = WIDTH / Math.max(1, total.length);
  const pattern = node("pattern", {
    id: "hatch",
    width: 4,
    height: 4,
    patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)",
  });
  pattern.append(node("rect", { width: 2, height: 4, class: "hatch" }));
  const defs = node("defs", {});
  defs.append(pattern);
  root.append(
    defs,
    node("line", { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: "axis" }),
  );
  total.forEach((value, index) => {
    const height = (value / max) * (HEIGHT - 2);
    const badHeight = ((bad[index] ?? 0) / max) * (HEIGHT - 2);
    const x = index * step + 1;
    if (value > 0) {
      root.append(node("rect", { x, y: HEIGHT - height, width: step - 2, height, class: "bar" }));
    }
    if (badHeight > 0) {
      root.append(
        node("rect", {
          x,
          y: HEIGHT - badHeight,
          width: step - 2,
          height: badHeight,
          class: "bar-bad",
          fill: "url(#hatch)",
        }),
      );
    }
  });
  return root;
}

/** Two lines: p50 (solid) and p99 (dashed), in ms. */
export function latencyChart(label: string, p50: number[], p99: number[]): SVGSVGElement {
  const root = svg(label);
  const max = Math.max(1, ...p99, ...p50);
  const step = WIDTH / Math.max(1, p50.length - 1);
  const points = (values: number[]) =>
    values
      .map(
        (value, index) =>
          `${(index * step).toFixed(1)},${(HEIGHT - 1 - (value / max) * (HEIGHT - 2)).toFixed(1)}`,
      )
      .join(" ");
  root.append(
    node("line", { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: "axis" }),
    node("polyline", { points: points(p99), class: "line-p99" }),
    node("polyline", { points: points(p50), class: "line-p50" }),
  );
  return root;
}
