// "Adjust colours" on the job page: pins placed by mouse, touch or keyboard, each with
// the model's suggested colours or any colour, vividness, a live reduced-size preview,
// and the confidence view. Apply posts the pins as the form's hidden `hints` field.
// Other scripts talk to the panel by events: "adjust:add-pin" (detail: x, y, color,
// swatches) places or recolours a pin, and every change of the pins is announced as
// "adjust:pins" (detail: pins) — adjust-regions.js draws suggestions and reaches that way.
(() => {
  const STEP = 0.01; // arrow keys move by 1 % of the photo, Shift by 10 %

  function start(panel) {
    if (!panel || panel.dataset.ready) return;
    panel.dataset.ready = "yes";
    const photo = panel.querySelector("[data-photo]");
    const image = panel.querySelector("[data-preview-image]");
    const markers = panel.querySelector("[data-markers]");
    const crosshair = panel.querySelector("[data-crosshair]");
    const list = panel.querySelector("[data-pin-list]");
    const status = panel.querySelector("[data-adjust-status]");
    const hintsField = panel.querySelector("[data-hints-field]");
    const vividness = panel.querySelector("[data-vividness]");
    const vividnessOut = panel.querySelector("[data-vividness-out]");
    const confidenceToggle = panel.querySelector("[data-confidence-toggle]");
    const confidenceImage = panel.querySelector("[data-confidence-image]");
    const apply = panel.querySelector("[data-apply]");
    const applyHelp = panel.querySelector("[data-apply-help]");
    const width = Number(panel.dataset.width);
    const height = Number(panel.dataset.height);
    const maxPins = Number(panel.dataset.maxHints);
    let pins = [];
    let cross = { x: Math.floor(width / 2), y: Math.floor(height / 2) };
    let previewTimer = null;
    let inFlight = false;
    let again = false;
    let previewUrl = null;

    try {
      pins = JSON.parse(hintsField.value || "[]").map((pin) => ({ ...pin, swatches: null }));
    } catch {
      pins = [];
    }

    const clampX = (x) => Math.min(width - 1, Math.max(0, Math.round(x)));
    const clampY = (y) => Math.min(height - 1, Math.max(0, Math.round(y)));

    function say(text) { status.textContent = text; }

    function pointFromEvent(event) {
      const box = image.getBoundingClientRect();
      return {
        x: clampX(((event.clientX - box.left) / box.width) * width),
        y: clampY(((event.clientY - box.top) / box.height) * height),
      };
    }

    function place(element, point) {
      element.style.left = `${(100 * (point.x + 0.5)) / width}%`;
      element.style.top = `${(100 * (point.y + 0.5)) / height}%`;
    }

    function hints() {
      return pins.filter((pin) => pin.color).map(({ x, y, color }) => ({ x, y, color }));
    }

    // --- pins ----------------------------------------------------------------------

    async function addPin(point) {
      if (pins.length >= maxPins) {
        say(interpolate(gettext("At most %s pins; remove one first."), [maxPins]));
        return;
      }
      const pin = { x: point.x, y: point.y, color: null, swatches: null };
      pins.push(pin);
      render();
      await loadSwatches(pin);
      if (!pin.color && pin.swatches && pin.swatches.length) pin.color = pin.swatches[0].color;
      render();
      changed();
    }

    async function loadSwatches(pin) {
      try {
        const url = `${panel.dataset.paletteUrl}?x=${pin.x}&y=${pin.y}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        const body = await response.json();
        if (!response.ok) {
          say(body.error || gettext("The suggested colours could not be loaded."));
          pin.swatches = [];
          return;
        }
        pin.swatches = body.colors;
      } catch {
        pin.swatches = [];
        say(gettext("The suggested colours could not be loaded."));
      }
    }

    function removePin(pin) {
      pins = pins.filter((other) => other !== pin);
      render();
      changed();
      photo.focus();
    }

    function movePin(pin, point) {
      pin.x = point.x;
      pin.y = point.y;
      pin.swatches = null; // suggestions belong to the old spot
    }

    function render() {
      markers.replaceChildren();
      list.replaceChildren();
      pins.forEach((pin, index) => {
        const number = index + 1;
        const colourName = pin.color || gettext("choosing");
        const marker = document.createElement("button");
        marker.type = "button";
        marker.className = "pin-marker";
        marker.dataset.pinMarker = String(number);
        marker.textContent = String(number);
        marker.style.setProperty("--pin-colour", pin.color || "#888888");
        marker.setAttribute(
          "aria-label",
          interpolate(
            gettext("Pin %(number)s at %(x)s, %(y)s, colour %(colour)s. Arrow keys move it, Delete removes it."),
            { number, x: pin.x, y: pin.y, colour: colourName },
            true,
          ),
        );
        place(marker, pin);
        markerEvents(marker, pin);
        markers.append(marker);

        const item = document.createElement("li");
        item.className = "pin-item";
        item.dataset.pin = String(number);
        const title = document.createElement("p");
        title.className = "pin-title";
        const chip = document.createElement("span");
        chip.className = "pin-chip";
        chip.style.background = pin.color || "transparent";
        chip.setAttribute("aria-hidden", "true");
        title.append(chip, interpolate(
          gettext("Pin %(number)s (%(x)s, %(y)s): %(colour)s"),
          { number, x: pin.x, y: pin.y, colour: colourName },
          true,
        ));
        item.append(title);

        const swatches = document.createElement("div");
        swatches.className = "swatches";
        swatches.setAttribute("role", "group");
        swatches.setAttribute(
          "aria-label",
          interpolate(gettext("Colours the model suggests for pin %s, best first"), [number]),
        );
        if (pin.swatches === null) {
          const load = document.createElement("button");
          load.type = "button";
          load.className = "button-secondary button-small";
          load.textContent = gettext("Suggest colours");
          load.addEventListener("click", async () => { await loadSwatches(pin); render(); });
          swatches.append(load);
        } else {
          pin.swatches.forEach((swatch) => {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "swatch";
            button.dataset.swatch = swatch.color;
            button.style.setProperty("--swatch", swatch.color);
            const percent = Math.round(swatch.probability * 100);
            button.setAttribute(
              "aria-label",
              interpolate(gettext("%(colour)s, %(percent)s likely"), { colour: swatch.color, percent: `${percent} %` }, true),
            );
            button.setAttribute("aria-pressed", String(pin.color === swatch.color));
            button.title = `${swatch.color} (${percent} %)`;
            button.addEventListener("click", () => { pin.color = swatch.color; render(); changed(); });
            swatches.append(button);
          });
        }
        item.append(swatches);

        const pickerLabel = document.createElement("label");
        pickerLabel.className = "pin-picker";
        const picker = document.createElement("input");
        picker.type = "color";
        picker.value = pin.color || "#808080";
        picker.dataset.picker = String(number);
        picker.addEventListener("change", () => { pin.color = picker.value; render(); changed(); });
        pickerLabel.append(interpolate(gettext("Any colour for pin %s"), [number]), " ", picker);
        item.append(pickerLabel);

        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button-secondary button-small";
        remove.textContent = interpolate(gettext("Remove pin %s"), [number]);
        remove.addEventListener("click", () => removePin(pin));
        item.append(remove);
        list.append(item);
      });
      hintsField.value = JSON.stringify(hints());
      // Apply costs credits: with no pin and this version's vividness it would only
      // make the same photo again.
      const nothing = hints().length === 0 && vividness.value === vividness.defaultValue;
      apply.disabled = nothing;
      applyHelp.hidden = !nothing;
      const placed = pins.map(({ x, y, color }) => ({ x, y, color }));
      panel.dispatchEvent(new CustomEvent("adjust:pins", { detail: { pins: placed } }));
    }

    function markerEvents(marker, pin) {
      marker.addEventListener("keydown", (event) => {
        const step = (event.shiftKey ? 10 : 1) * STEP;
        const moves = {
          ArrowLeft: [-step * width, 0], ArrowRight: [step * width, 0],
          ArrowUp: [0, -step * height], ArrowDown: [0, step * height],
        };
        if (event.key === "Delete" || event.key === "Backspace") {
          event.preventDefault();
          removePin(pin);
        } else if (moves[event.key]) {
          event.preventDefault();
          event.stopPropagation();
          const [dx, dy] = moves[event.key];
          movePin(pin, { x: clampX(pin.x + dx), y: clampY(pin.y + dy) });
          const number = marker.dataset.pinMarker;
          render();
          changed();
          markers.querySelector(`[data-pin-marker="${number}"]`)?.focus();
        }
      });
      marker.addEventListener("click", (event) => event.stopPropagation());
      marker.addEventListener("pointerdown", (event) => {
        // No text selection or native drag, which would cancel the pointer mid-move.
        event.preventDefault();
        event.stopPropagation();
        marker.focus();
        marker.setPointerCapture(event.pointerId);
        const start = { x: event.clientX, y: event.clientY };
        const follow = (move) => place(marker, pointFromEvent(move));
        const finish = (up) => {
          marker.removeEventListener("pointermove", follow);
          marker.removeEventListener("pointerup", finish);
          marker.removeEventListener("pointercancel", finish);
          const point = pointFromEvent(up);
          const dragged = Math.hypot(up.clientX - start.x, up.clientY - start.y) > 3;
          if (up.type === "pointerup" && dragged) {
            movePin(pin, point);
            const number = marker.dataset.pinMarker;
            render();
            changed();
            markers.querySelector(`[data-pin-marker="${number}"]`)?.focus();
          } else {
            place(marker, pin);
          }
        };
        marker.addEventListener("pointermove", follow);
        marker.addEventListener("pointerup", finish);
        marker.addEventListener("pointercancel", finish);
      });
    }

    // A suggested region's colour: the pin goes at its point, or recolours the pin there.
    panel.addEventListener("adjust:add-pin", (event) => {
      const { x, y, color, swatches } = event.detail;
      let pin = pins.find((other) => other.x === x && other.y === y);
      if (!pin) {
        if (pins.length >= maxPins) {
          say(interpolate(gettext("At most %s pins; remove one first."), [maxPins]));
          return;
        }
        pin = { x, y, color: null, swatches: null };
        pins.push(pin);
      }
      pin.color = color;
      pin.swatches = swatches || pin.swatches;
      render();
      changed();
    });

    // --- the photo: click or tap, and the keyboard crosshair -------------------------

    photo.addEventListener("click", (event) => {
      if (event.target.closest("[data-pin-marker]")) return;
      addPin(pointFromEvent(event));
    });
    // The crosshair is for keyboard users; a click or tap places its pin directly.
    photo.addEventListener("focus", () => {
      place(crosshair, cross);
      crosshair.hidden = !photo.matches(":focus-visible");
    });
    photo.addEventListener("blur", () => { crosshair.hidden = true; });
    photo.addEventListener("keydown", (event) => {
      if (event.target !== photo) return;
      const step = (event.shiftKey ? 10 : 1) * STEP;
      const moves = {
        ArrowLeft: [-step * width, 0], ArrowRight: [step * width, 0],
        ArrowUp: [0, -step * height], ArrowDown: [0, step * height],
      };
      if (moves[event.key]) {
        event.preventDefault();
        const [dx, dy] = moves[event.key];
        cross = { x: clampX(cross.x + dx), y: clampY(cross.y + dy) };
        place(crosshair, cross);
        crosshair.hidden = false;
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        addPin({ ...cross });
      }
    });

    // --- preview, vividness, confidence ----------------------------------------------

    function changed() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refresh, 150);
    }

    async function refresh() {
      if (inFlight) { again = true; return; }
      inFlight = true;
      again = false;
      const sent = hints();
      const query = new URLSearchParams({
        hints: JSON.stringify(sent),
        vividness: vividness.value,
        size: panel.dataset.previewSize,
      });
      say(gettext("Updating the preview…"));
      try {
        const response = await fetch(`${panel.dataset.previewUrl}?${query}`);
        if (response.status === 429) {
          const wait = Number(response.headers.get("Retry-After") || "2");
          say(interpolate(gettext("Many changes at once: the preview catches up in %s s."), [wait]));
          setTimeout(changed, wait * 1000);
        } else if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          say(body.error || gettext("The preview could not be made."));
        } else {
          const blob = await response.blob();
          if (previewUrl) URL.revokeObjectURL(previewUrl);
          previewUrl = URL.createObjectURL(blob);
          await new Promise((done) => { image.onload = done; image.onerror = done; image.src = previewUrl; });
          // A pin placed while this preview was being made: it is not in this picture
          // yet, and the refresh that follows will say "updated" when it is.
          if (!again) {
            const count = sent.length;
            status.dataset.previewCount = String(Number(status.dataset.previewCount) + 1);
            say(interpolate(
              ngettext(
                "Preview updated: %(count)s pin, vividness %(vividness)s.",
                "Preview updated: %(count)s pins, vividness %(vividness)s.",
                count,
              ),
              { count, vividness: vividness.value },
              true,
            ));
          }
        }
      } catch {
        say(gettext("The preview could not be made; check the connection."));
      } finally {
        inFlight = false;
        if (again) refresh();
      }
    }

    vividness.addEventListener("input", () => {
      vividnessOut.textContent = vividness.value;
      render();
      changed();
    });
    confidenceToggle.addEventListener("change", () => {
      if (confidenceToggle.checked && !confidenceImage.getAttribute("src")) {
        confidenceImage.src = panel.dataset.confidenceUrl;
      }
      confidenceImage.hidden = !confidenceToggle.checked;
    });

    render();
    if (pins.length) {
      say(interpolate(
        ngettext("%s pin from this version.", "%s pins from this version.", pins.length),
        [pins.length],
      ));
      // A refinement's pins come with their colours only: fetch the suggestions again.
      Promise.all(pins.map(loadSwatches)).then(render);
    }
  }

  document.addEventListener("DOMContentLoaded", () => start(document.querySelector("[data-adjust]")));
  // After the progress partial finishes, htmx swaps the panel in out of band.
  document.addEventListener("htmx:load", (event) => {
    const panel = event.target.matches?.("[data-adjust]") ? event.target : event.target.querySelector?.("[data-adjust]");
    start(panel);
  });
})();
