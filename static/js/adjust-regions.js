// "Adjust colours": the regions drawn over the photo. Suggested pins (the regions where
// the model is least sure, numbered, each with its likeliest colours; a swatch places the
// pin) and the reach of a pin: the surface a pin under the pointer, at the keyboard
// crosshair or already placed would colour. Talks to adjust.js by the panel's events.
// Its sentences come translated from the template's data-text-* attributes.
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const HOVER_DELAY = 120; // ms of stillness before the pointer's reach is asked for
  const GRID = 64; // reaches are asked for on a 64x64 grid of the photo, and remembered

  function start(panel) {
    if (!panel || panel.dataset.regionsReady) return;
    panel.dataset.regionsReady = "yes";
    const photo = panel.querySelector("[data-photo]");
    const image = panel.querySelector("[data-preview-image]");
    const overlay = panel.querySelector("[data-regions]");
    const labels = panel.querySelector("[data-region-labels]");
    const crosshair = panel.querySelector("[data-crosshair]");
    const section = panel.querySelector("[data-suggestions]");
    const list = panel.querySelector("[data-suggestion-list]");
    const note = panel.querySelector("[data-suggestions-note]");
    const hintsField = panel.querySelector("[data-hints-field]");
    const width = Number(panel.dataset.width);
    const height = Number(panel.dataset.height);
    const text = (name, values = {}) =>
      (section.dataset[name] || "").replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
    // Shares read as the page's language writes them ("12 %" in German and French).
    const percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" });
    const reaches = new Map(); // "x,y" of the grid -> outline, or a pending promise
    let suggestions = [];
    let pins = [];
    let hover = null;
    let hoverTimer = null;
    let quietUntil = 0;

    try {
      pins = JSON.parse(hintsField.value || "[]");
    } catch {
      pins = [];
    }

    // --- reach ---------------------------------------------------------------------

    function snapped(point) {
      const column = Math.min(GRID - 1, Math.floor((point.x * GRID) / width));
      const row = Math.min(GRID - 1, Math.floor((point.y * GRID) / height));
      return {
        key: `${column},${row}`,
        x: Math.min(width - 1, Math.floor(((column + 0.5) * width) / GRID)),
        y: Math.min(height - 1, Math.floor(((row + 0.5) * height) / GRID)),
      };
    }

    async function reachOf(point) {
      const cell = snapped(point);
      if (reaches.has(cell.key)) return reaches.get(cell.key);
      if (Date.now() < quietUntil) return null;
      const asked = (async () => {
        const url = `${panel.dataset.reachUrl}?x=${cell.x}&y=${cell.y}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.status === 429) {
          // Pointer moves are many; past the free allowance wait, and show nothing meanwhile.
          quietUntil = Date.now() + 1000 * Number(response.headers.get("Retry-After") || "2");
          reaches.delete(cell.key);
          return null;
        }
        if (!response.ok) return [];
        const outline = (await response.json()).outline;
        reaches.set(cell.key, outline);
        return outline;
      })().catch(() => {
        reaches.delete(cell.key);
        return null;
      });
      reaches.set(cell.key, asked);
      return asked;
    }

    async function showHover(point) {
      hover = point;
      const outline = point ? await reachOf(point) : null;
      if (hover !== point) return; // the pointer has moved on
      panel.dataset.reachShown = outline && outline.length ? "yes" : "no";
      draw(outline && outline.length ? outline : null);
    }

    function pointFromEvent(event) {
      const box = image.getBoundingClientRect();
      return {
        x: Math.min(width - 1, Math.max(0, ((event.clientX - box.left) / box.width) * width)),
        y: Math.min(height - 1, Math.max(0, ((event.clientY - box.top) / box.height) * height)),
      };
    }

    photo.addEventListener("pointermove", (event) => {
      if (event.pointerType === "touch") return; // no hover on touch: placed pins show theirs
      clearTimeout(hoverTimer);
      const point = pointFromEvent(event);
      hoverTimer = setTimeout(() => showHover(point), HOVER_DELAY);
    });
    photo.addEventListener("pointerleave", () => {
      clearTimeout(hoverTimer);
      hover = null;
      panel.dataset.reachShown = "no";
      draw(null);
    });
    // The keyboard crosshair shows its reach too, once it rests.
    photo.addEventListener("keyup", () => {
      if (crosshair.hidden) return;
      clearTimeout(hoverTimer);
      const point = {
        x: (parseFloat(crosshair.style.left) / 100) * width,
        y: (parseFloat(crosshair.style.top) / 100) * height,
      };
      hoverTimer = setTimeout(() => showHover(point), HOVER_DELAY);
    });
    photo.addEventListener("blur", () => { if (hover) showHover(null); });

    // --- drawing ---------------------------------------------------------------------

    function polygon(outline, className, colour) {
      const shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", outline.map(([x, y]) => `${x},${y}`).join(" "));
      shape.setAttribute("class", className);
      if (colour) shape.style.setProperty("--region-colour", colour);
      return shape;
    }

    function halo(outline, className, colour) {
      // A dark band under a light line: the outline reads on any photo.
      return [polygon(outline, `${className} region-halo`), polygon(outline, className, colour)];
    }

    function pinnedSuggestion(suggestion) {
      return pins.some((pin) => inside(pin, suggestion.outline));
    }

    function draw(hoverOutline) {
      const shapes = [];
      suggestions.forEach((suggestion) => {
        if (!pinnedSuggestion(suggestion) && suggestion.outline.length > 2) {
          shapes.push(...halo(suggestion.outline, "region-suggestion"));
        }
      });
      for (const pin of pins) {
        const outline = reaches.get(snapped(pin).key);
        if (Array.isArray(outline) && outline.length > 2) {
          shapes.push(...halo(outline, "region-pin", pin.color || "#ffffff"));
        }
      }
      if (hoverOutline) shapes.push(...halo(hoverOutline, "region-reach"));
      overlay.replaceChildren(...shapes);
    }

    async function pinsChanged(placed) {
      pins = placed;
      renderSuggestions();
      draw(null);
      await Promise.all(pins.map((pin) => reachOf(pin)));
      draw(null);
    }

    // --- suggestions -------------------------------------------------------------------

    function renderSuggestions() {
      // Rebuilt on every change of the pins: keep the keyboard's place on a swatch.
      const focused = list.contains(document.activeElement) ? document.activeElement : null;
      const keep = focused && {
        number: focused.closest("[data-suggestion]").dataset.suggestion,
        color: focused.dataset.suggestionSwatch,
      };
      labels.replaceChildren();
      list.replaceChildren();
      suggestions.forEach((suggestion, index) => {
        const number = index + 1;
        const pinned = pins.find((pin) => inside(pin, suggestion.outline));
        if (!pinned) {
          const label = document.createElement("span");
          label.className = "region-label";
          label.dataset.regionLabel = String(number);
          label.textContent = String(number);
          label.setAttribute("aria-hidden", "true");
          label.style.left = `${(100 * (suggestion.x + 0.5)) / width}%`;
          label.style.top = `${(100 * (suggestion.y + 0.5)) / height}%`;
          labels.append(label);
        }

        const item = document.createElement("li");
        item.className = "suggestion-item";
        item.dataset.suggestion = String(number);
        const title = document.createElement("p");
        title.className = "suggestion-title";
        title.id = `suggestion-${number}-title`;
        title.textContent = text(pinned ? "textPinned" : "textRegion", {
          number,
          area: percent.format(Math.max(0.01, suggestion.area)),
          confidence: percent.format(suggestion.confidence),
        });
        item.append(title);
        const swatches = document.createElement("div");
        swatches.className = "swatches";
        swatches.setAttribute("role", "group");
        swatches.setAttribute("aria-labelledby", title.id);
        suggestion.alternatives.forEach((colour) => {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "swatch";
          button.dataset.suggestionSwatch = colour.color;
          button.style.setProperty("--swatch", colour.color);
          const likely = percent.format(colour.probability);
          const name = text("textSwatch", { number, color: colour.color, percent: likely });
          button.setAttribute("aria-label", name);
          button.title = name;
          const chosen = pinned && pinned.x === suggestion.x && pinned.y === suggestion.y;
          button.setAttribute("aria-pressed", String(Boolean(chosen && pinned.color === colour.color)));
          button.addEventListener("click", () => {
            panel.dispatchEvent(new CustomEvent("adjust:add-pin", {
              detail: { x: suggestion.x, y: suggestion.y, color: colour.color, swatches: suggestion.alternatives },
            }));
          });
          swatches.append(button);
        });
        item.append(swatches);
        list.append(item);
      });
      if (keep) {
        list.querySelector(`[data-suggestion="${keep.number}"] [data-suggestion-swatch="${keep.color}"]`)?.focus();
      }
    }

    async function loadSuggestions() {
      note.textContent = text("textLoading");
      try {
        const response = await fetch(panel.dataset.suggestionsUrl, { headers: { Accept: "application/json" } });
        const body = await response.json();
        if (!response.ok) {
          note.textContent = body.error || text("textFailed");
          return;
        }
        suggestions = body.suggestions;
        note.textContent = suggestions.length ? "" : text("textNone");
        note.hidden = !note.textContent;
        section.dataset.loaded = String(suggestions.length);
        renderSuggestions();
        draw(null);
      } catch {
        note.textContent = text("textFailed");
      }
    }

    panel.addEventListener("adjust:pins", (event) => pinsChanged(event.detail.pins));
    pinsChanged(pins);
    loadSuggestions();
  }

  // Even-odd ray casting: whether a point lies inside a polygon of [x, y] points.
  function inside(point, outline) {
    let found = false;
    for (let i = 0, j = outline.length - 1; i < outline.length; j = i++) {
      const [xi, yi] = outline[i];
      const [xj, yj] = outline[j];
      if ((yi > point.y) !== (yj > point.y)
          && point.x < ((xj - xi) * (point.y - yi)) / (yj - yi) + xi) found = !found;
    }
    return found;
  }

  document.addEventListener("DOMContentLoaded", () => start(document.querySelector("[data-adjust]")));
  document.addEventListener("htmx:load", (event) => {
    const panel = event.target.matches?.("[data-adjust]") ? event.target : event.target.querySelector?.("[data-adjust]");
    start(panel);
  });
})();
