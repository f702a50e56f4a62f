// The colorize form: drag and drop onto the drop zone, a preview of the chosen
// photo, and the cost totalled as options change. The form works without it.
// Sentences come from gettext()/ngettext() (the page's JavaScript catalog).
(() => {
  const form = document.getElementById("colorize-form");
  if (!form) return;
  const fileInput = form.querySelector("input[type=file]");
  const dropzone = form.querySelector("[data-dropzone]");
  const preview = form.querySelector("[data-preview]");
  const submit = form.querySelector("[data-submit]");
  const costOut = form.querySelector("[data-cost-total]");
  const plural = form.querySelector("[data-cost-plural]");
  const note = form.querySelector("[data-cost-note]");
  const balance = Number(form.dataset.balance);
  const baseCost = Number(form.dataset.baseCost);
  let previewUrl = null;

  const maxBytes = Number(form.dataset.maxBytes);
  let tooBig = false;

  // The server checks again; this only saves uploading a file that would be refused.
  function checkSize(file) {
    const field = fileInput.closest(".field");
    field.querySelector("[data-size-error]")?.remove();
    tooBig = Boolean(file && maxBytes && file.size > maxBytes);
    fileInput.setAttribute("aria-invalid", tooBig ? "true" : "false");
    field.classList.toggle("field-error", tooBig);
    if (tooBig) {
      const error = document.createElement("ul");
      error.className = "errorlist";
      error.dataset.sizeError = "";
      const item = document.createElement("li");
      const megabytes = (size) => (size / 1048576).toFixed(1);
      item.textContent = interpolate(
        gettext("This file is %(size)s MB; the limit is %(limit)s MB."),
        { size: megabytes(file.size), limit: megabytes(maxBytes) },
        true,
      );
      error.append(item);
      fileInput.insertAdjacentElement("afterend", error);
    }
  }

  // Several files or a ZIP make a batch (batch-upload.js counts its photos): each photo's
  // own size is checked on the server, where archives are opened.
  const isBatch = () => fileInput.files.length > 1
    || Array.from(fileInput.files).some((file) => file.name.toLowerCase().endsWith(".zip"));

  // A new file or URL answers whatever the server said about the last one: its
  // errors (under the field and at the top of the form) go, so none of them is stale.
  function clearServerErrors(input) {
    const field = input.closest(".field");
    field.querySelectorAll(".errorlist:not([data-size-error])").forEach((list) => {
      const described = (input.getAttribute("aria-describedby") || "").split(" ");
      const rest = described.filter((id) => id && id !== list.id);
      if (rest.length) input.setAttribute("aria-describedby", rest.join(" "));
      else input.removeAttribute("aria-describedby");
      list.remove();
    });
    field.classList.remove("field-error");
    input.removeAttribute("aria-invalid");
    form.querySelector(".form-errors")?.remove();
  }

  function showPreview() {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    const file = isBatch() ? null : fileInput.files[0];
    checkSize(file);
    updateCost();
    if (!file || !file.type.startsWith("image/")) {
      preview.hidden = true;
      return;
    }
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    // Formats the browser cannot draw (TIFF, SGI) just show no preview.
    preview.onerror = () => { preview.hidden = true; };
    preview.hidden = false;
  }

  function updateCost() {
    let perPhoto = baseCost;
    form.querySelectorAll("input[data-cost]:checked").forEach((box) => {
      perPhoto += Number(box.dataset.cost);
    });
    const photos = isBatch() ? Number(form.dataset.photoCount || 0) : 1;
    const cost = perPhoto * photos;
    costOut.textContent = cost;
    plural.textContent = ngettext("credit", "credits", cost);
    const short = cost > balance;
    submit.disabled = short || tooBig || form.dataset.batchInvalid === "true";
    if (short && photos > 1) {
      const fits = Math.floor(balance / perPhoto);
      note.innerHTML = "";
      note.append(interpolate(
        ngettext(
          "These %(photos)s photos need %(cost)s credits; your balance of %(balance)s covers %(fits)s of them.",
          "These %(photos)s photos need %(cost)s credits; your balance of %(balance)s covers %(fits)s of them.",
          fits,
        ),
        { photos, cost, balance, fits },
        true,
      ), " ");
      const link = document.createElement("a");
      link.href = form.dataset.buyUrl;
      link.textContent = gettext("Buy credits");
      note.append(link, " ", gettext("or send fewer photos."));
    } else if (short) {
      note.innerHTML = "";
      note.append(interpolate(
        ngettext(
          "This needs %(cost)s credit; your balance is %(balance)s.",
          "This needs %(cost)s credits; your balance is %(balance)s.",
          cost,
        ),
        { cost, balance },
        true,
      ), " ");
      const link = document.createElement("a");
      link.href = form.dataset.buyUrl;
      link.textContent = gettext("Buy credits");
      note.append(link, " ", gettext("or choose fewer options."));
    } else {
      note.textContent = "";
    }
  }

  // Colorize or restore: the page asks the server's photo-kind detector about a small copy
  // of the chosen photo (the one detector the job will report too) and preselects the
  // mode that fits; the person can still choose the other.
  const kindNote = form.querySelector("[data-photo-kind]");
  const modeInputs = form.querySelectorAll("input[name=mode]");
  let kindRequest = 0;

  function labelSubmit() {
    const restore = form.querySelector("input[name=mode]:checked")?.value === "restore";
    submit.textContent = restore ? submit.dataset.labelRestore : submit.dataset.labelColorize;
  }

  function smallCopy(file) {
    // A 256-pixel JPEG drawn by the browser; null when it cannot draw the format.
    return new Promise((resolve) => {
      const image = new Image();
      const url = URL.createObjectURL(file);
      image.onload = () => {
        const scale = Math.min(1, 256 / Math.max(image.naturalWidth, image.naturalHeight));
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(resolve, "image/jpeg", 0.92);
      };
      image.onerror = () => { URL.revokeObjectURL(url); resolve(null); };
      image.src = url;
    });
  }

  async function checkKind() {
    const file = isBatch() ? null : fileInput.files[0];
    const request = ++kindRequest;
    kindNote.hidden = true;
    delete kindNote.dataset.kind;
    if (!file || tooBig) return;
    let copy = await smallCopy(file);
    if (!copy && file.size <= 5 * 1048576) copy = file;
    if (!copy || request !== kindRequest) return;
    const body = new FormData();
    body.append("image", copy, "photo.jpg");
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    try {
      const response = await fetch(kindNote.dataset.url, { method: "POST", body, credentials: "same-origin" });
      if (!response.ok || request !== kindRequest) return;
      const verdict = await response.json();
      kindNote.textContent = verdict.advice;
      kindNote.dataset.kind = verdict.kind;
      kindNote.hidden = false;
      const fitting = form.querySelector(`input[name=mode][value="${verdict.suggested_mode}"]`);
      if (fitting) fitting.checked = true;
      labelSubmit();
    } catch {
      // No verdict is no harm: the person chooses the mode.
    }
  }

  modeInputs.forEach((input) => input.addEventListener("change", labelSubmit));

  // batch-upload.js tells when it has counted the photos of the chosen files.
  form.addEventListener("photos-counted", updateCost);
  fileInput.addEventListener("change", () => {
    clearServerErrors(fileInput);
    showPreview();
    if (kindNote) checkKind();
  });
  const urlInput = form.querySelector("input[type=url]");
  urlInput?.addEventListener("input", () => clearServerErrors(urlInput), { once: true });
  form.addEventListener("change", updateCost);
  ["dragenter", "dragover"].forEach((name) => dropzone.addEventListener(name, (event) => {
    event.preventDefault();
    dropzone.classList.add("is-dragover");
  }));
  ["dragleave", "drop"].forEach((name) => dropzone.addEventListener(name, () => {
    dropzone.classList.remove("is-dragover");
  }));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer.files.length) return;
    fileInput.files = event.dataTransfer.files;
    clearServerErrors(fileInput);
    showPreview();
    if (kindNote) checkKind();
  });
  // A file chosen before this script ran (a fast hand, or the browser restoring
  // the form on "back") gets the same checks.
  if (fileInput.files.length) showPreview();
  else updateCost();
})();
