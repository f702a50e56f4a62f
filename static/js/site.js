// Small progressive enhancements; every page works without them. Sentences go through
// gettext() from the page's JavaScript catalog (base.html), in the page's language.

// Copy buttons: <button data-copy-target="#id">Copy</button> copies the text of #id.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copyTarget);
  if (!source) return;
  const text = source.value ?? source.textContent.trim();
  const original = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = gettext("Copied");
  } catch {
    // Clipboard access needs a secure context; fall back to selecting the text.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    button.textContent = gettext("Selected: press Ctrl+C");
  }
  setTimeout(() => { button.textContent = original; }, 2000);
});

// Before/after sliders: a range input inside .compare moves the divider.
document.addEventListener("input", (event) => {
  const range = event.target.closest(".compare input[type=range]");
  if (range) range.closest(".compare").style.setProperty("--position", `${range.value}%`);
});

// Wide tables scroll inside their .table-wrap on small screens; a region that scrolls
// must be reachable by keyboard (and named for screen readers), so it joins the tab order.
function focusableScrollRegions() {
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      const heading = wrap.closest("section, .card")?.querySelector("h1, h2, h3");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      const name = heading ? heading.textContent.trim() : gettext("Table");
      wrap.setAttribute("aria-label", interpolate(gettext("%s (scrolls sideways)"), [name]));
    } else if (!scrolls && wrap.getAttribute("role") === "region") {
      ["tabindex", "role", "aria-label"].forEach((name) => wrap.removeAttribute(name));
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollRegions);
window.addEventListener("resize", focusableScrollRegions);
