// The phone menu (a disclosure): the "Menu" button shows and hides the site menu.
// Loaded in <head> without defer so <html> is marked before the first paint: the CSS
// collapses the menu on narrow screens only when this script runs, so without
// scripts every link stays visible.
document.documentElement.classList.add("has-menu-script");

(() => {
  function setOpen(button, open) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
    // On a phone the account links belong in the open menu, not behind a second click.
    const account = menu.querySelector("[data-account-menu]");
    if (account && open) account.open = true;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-menu-button]");
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes the menu and gives focus back to its button.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const button = document.querySelector('[data-menu-button][aria-expanded="true"]');
    if (!button) return;
    setOpen(button, false);
    button.focus();
  });
})();
