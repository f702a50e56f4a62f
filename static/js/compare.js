// Zoom, pan and side-by-side for the before/after view ([data-zoomable]); the slider itself
// works without this file (site.js). Both photos always show the same part at the same zoom.
// Everything is delegated from the document, so views that htmx swaps in work unchanged.
(() => {
  const MIN_ZOOM = 1;
  const MAX_ZOOM = 8;
  const STEP = 1.5;
  const KEY_PAN = 10; // percent of the photo per arrow key press
  const views = new WeakMap();

  function stateOf(view) {
    let state = views.get(view);
    if (!state) {
      state = { zoom: 1, panX: 0, panY: 0, pointers: new Map(), pinch: null };
      views.set(view, state);
    }
    return state;
  }

  // Pan is kept in percent of the photo's box, so both panes (of any size) move alike;
  // it never uncovers the frame's edge.
  function clamp(state) {
    const limit = 100 * (1 - state.zoom);
    state.panX = Math.min(0, Math.max(limit, state.panX));
    state.panY = Math.min(0, Math.max(limit, state.panY));
  }

  function render(view) {
    const state = stateOf(view);
    clamp(state);
    view.style.setProperty("--zoom", String(state.zoom));
    view.style.setProperty("--pan-x", `${state.panX}%`);
    view.style.setProperty("--pan-y", `${state.panY}%`);
    view.toggleAttribute("data-zoomed", state.zoom > 1);
    const level = view.closest(".compare-figure")?.querySelector("[data-compare-zoom-level]");
    if (level) level.textContent = `${Math.round(state.zoom * 100)} %`;
  }

  // Zoom keeping the point at (fx, fy), fractions of the pane, where it is on screen.
  function zoomTo(view, zoom, fx = 0.5, fy = 0.5) {
    const state = stateOf(view);
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    const u = (fx - state.panX / 100) / state.zoom;
    const v = (fy - state.panY / 100) / state.zoom;
    state.zoom = next;
    state.panX = 100 * (fx - u * next);
    state.panY = 100 * (fy - v * next);
    render(view);
  }

  function paneAt(view, event) {
    const panes = [...view.querySelectorAll(".compare-pane")];
    return panes.find((pane) => {
      const box = pane.getBoundingClientRect();
      return event.clientX >= box.left && event.clientX <= box.right
        && event.clientY >= box.top && event.clientY <= box.bottom;
    }) || panes[0];
  }

  function fractionIn(pane, x, y) {
    const box = pane.getBoundingClientRect();
    return [(x - box.left) / box.width, (y - box.top) / box.height];
  }

  function viewOfTools(element) {
    return element.closest(".compare-figure")?.querySelector(".compare[data-zoomable]");
  }

  document.addEventListener("click", (event) => {
    const mode = event.target.closest("[data-compare-mode]");
    const zoom = event.target.closest("[data-compare-zoom]");
    const view = (mode || zoom) && viewOfTools(mode || zoom);
    if (!view) return;
    if (mode) {
      view.dataset.mode = mode.dataset.compareMode;
      mode.parentElement.querySelectorAll("[data-compare-mode]").forEach((button) => {
        button.setAttribute("aria-pressed", String(button === mode));
      });
    } else if (zoom.dataset.compareZoom === "reset") {
      zoomTo(view, 1);
    } else {
      const state = stateOf(view);
      zoomTo(view, zoom.dataset.compareZoom === "in" ? state.zoom * STEP : state.zoom / STEP);
    }
  });

  document.addEventListener("wheel", (event) => {
    const view = event.target.closest(".compare[data-zoomable]");
    if (!view) return;
    event.preventDefault();
    const [fx, fy] = fractionIn(paneAt(view, event), event.clientX, event.clientY);
    const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.002));
    zoomTo(view, stateOf(view).zoom * factor, fx, fy);
  }, { passive: false });

  document.addEventListener("pointerdown", (event) => {
    const view = event.target.closest(".compare[data-zoomable]");
    if (!view) return;
    const state = stateOf(view);
    state.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (state.pointers.size === 2) {
      const [a, b] = [...state.pointers.values()];
      state.pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y), zoom: state.zoom };
    }
    // At fit size a drag moves the divider (the range input); zoomed in, it pans.
    if (state.zoom > 1 || state.pointers.size === 2) {
      view.setPointerCapture(event.pointerId);
      event.preventDefault();
    }
  });

  document.addEventListener("pointermove", (event) => {
    const view = event.target.closest(".compare[data-zoomable]");
    const state = view && views.get(view);
    const last = state?.pointers.get(event.pointerId);
    if (!last) return;
    const pane = paneAt(view, event);
    if (state.pointers.size === 2 && state.pinch) {
      state.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      const [a, b] = [...state.pointers.values()];
      const [fx, fy] = fractionIn(pane, (a.x + b.x) / 2, (a.y + b.y) / 2);
      zoomTo(view, state.pinch.zoom * Math.hypot(a.x - b.x, a.y - b.y) / state.pinch.distance, fx, fy);
      return;
    }
    if (state.zoom > 1) {
      const box = pane.getBoundingClientRect();
      state.panX += ((event.clientX - last.x) / box.width) * 100;
      state.panY += ((event.clientY - last.y) / box.height) * 100;
      render(view);
    }
    state.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  });

  function release(event) {
    const view = event.target.closest?.(".compare[data-zoomable]");
    const state = view && views.get(view);
    if (!state) return;
    state.pointers.delete(event.pointerId);
    if (state.pointers.size < 2) state.pinch = null;
  }
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", release);

  document.addEventListener("keydown", (event) => {
    const view = event.target.closest(".compare[data-zoomable]");
    if (!view || event.altKey || event.ctrlKey || event.metaKey) return;
    const state = stateOf(view);
    if (event.key === "+" || event.key === "=") {
      zoomTo(view, state.zoom * STEP);
    } else if (event.key === "-" || event.key === "_") {
      zoomTo(view, state.zoom / STEP);
    } else if (event.key === "0") {
      zoomTo(view, 1);
    } else if (event.target === view && state.zoom > 1 && event.key.startsWith("Arrow")) {
      // On the divider the arrow keys move the divider; on the photo itself they pan.
      const step = { ArrowLeft: [KEY_PAN, 0], ArrowRight: [-KEY_PAN, 0],
        ArrowUp: [0, KEY_PAN], ArrowDown: [0, -KEY_PAN] }[event.key];
      if (!step) return;
      state.panX += step[0];
      state.panY += step[1];
      render(view);
    } else {
      return;
    }
    event.preventDefault();
  });
})();
