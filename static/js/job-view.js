// The job page shows its photo once. When the photo can be adjusted, the "Adjust colours"
// panel holds it (with its pins), and "Compare with the original" swaps the panel for the
// before/after viewer and back; a phone no longer scrolls past the same photo twice.
// Without this script both stay on the page, as plain HTML.
(() => {
  function setUp() {
    const slot = document.getElementById("adjust-slot");
    const panel = slot?.querySelector("[data-adjust]");
    const toggle = document.querySelector("[data-view-toggle]");
    const viewer = document.querySelector("#job-status .compare-figure");
    if (!panel || !toggle || !viewer || toggle.dataset.ready) return;
    toggle.dataset.ready = "yes";
    const comparing = (on) => {
      viewer.hidden = !on;
      slot.hidden = on;
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? toggle.dataset.textAdjust : toggle.dataset.textCompare;
    };
    toggle.hidden = false;
    comparing(false);
    toggle.addEventListener("click", () => comparing(viewer.hidden));
  }
  document.addEventListener("DOMContentLoaded", setUp);
  // The live update swaps the finished page in: set it up again.
  document.addEventListener("htmx:load", setUp);
})();
