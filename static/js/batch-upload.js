// Batches on the colorize form: count the photos among the chosen files (reading a ZIP's
// table of contents, not its photos) so the cost is known before submitting, and send
// the form with an upload progress bar. Without it the form still posts as plain HTML,
// and the server applies the same rules in any case.
(() => {
  const form = document.getElementById("colorize-form");
  if (!form) return;
  const fileInput = form.querySelector("input[type=file]");
  const dropzone = form.querySelector("[data-dropzone]");
  const summary = form.querySelector("[data-batch-summary]");
  const progressBox = form.querySelector("[data-upload-progress]");
  const progressBar = progressBox.querySelector("progress");
  const progressStatus = progressBox.querySelector("[data-upload-status]");
  const extensions = (form.dataset.photoExtensions || "").split(" ").filter(Boolean);
  const maxPhotos = Number(form.dataset.batchMaxPhotos || 0);
  let counting = 0;

  const baseName = (path) => path.split("/").filter(Boolean).pop() || "";
  const isZip = (name) => name.toLowerCase().endsWith(".zip");
  const isPhotoName = (name) => extensions.some((ext) => name.toLowerCase().endsWith(ext));
  // What archivers and file managers add next to photos; the server passes them over too.
  const isSystemFile = (path) => path.endsWith("/") || path.split("/").some(
    (part, index, parts) => (part === "__MACOSX" && index < parts.length - 1) || part.startsWith(".")
  ) || ["thumbs.db", "desktop.ini"].includes(baseName(path).toLowerCase());

  // The names in a ZIP's central directory, or null when it cannot be read here
  // (ZIP64, a damaged file): the server then counts.
  async function zipNames(file) {
    const tailLength = Math.min(file.size, 22 + 65535);
    const tail = new DataView(await file.slice(file.size - tailLength).arrayBuffer());
    let end = -1;
    for (let at = tail.byteLength - 22; at >= 0; at -= 1) {
      if (tail.getUint32(at, true) === 0x06054b50) { end = at; break; }
    }
    if (end < 0) return null;
    const count = tail.getUint16(end + 10, true);
    const size = tail.getUint32(end + 12, true);
    const offset = tail.getUint32(end + 16, true);
    if (offset === 0xffffffff || offset + size > file.size) return null;
    const directory = new DataView(await file.slice(offset, offset + size).arrayBuffer());
    const decoder = new TextDecoder();
    const names = [];
    let at = 0;
    for (let index = 0; index < count && at + 46 <= directory.byteLength; index += 1) {
      if (directory.getUint32(at, true) !== 0x02014b50) return null;
      const nameLength = directory.getUint16(at + 28, true);
      const extraLength = directory.getUint16(at + 30, true);
      const commentLength = directory.getUint16(at + 32, true);
      names.push(decoder.decode(new Uint8Array(directory.buffer, at + 46, nameLength)));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }

  function listItem(text) {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }

  async function countPhotos() {
    const files = Array.from(fileInput.files);
    const batch = files.length > 1 || files.some((file) => isZip(file.name));
    const run = ++counting;
    if (!batch) {
      summary.hidden = true;
      delete form.dataset.photoCount;
      delete form.dataset.batchInvalid;
      form.dispatchEvent(new Event("photos-counted"));
      return;
    }
    let photos = 0;
    let unknown = false;
    const skipped = [];
    for (const file of files) {
      if (isZip(file.name)) {
        const names = await zipNames(file).catch(() => null);
        if (names === null) { unknown = true; continue; }
        for (const path of names) {
          if (isSystemFile(path)) continue;
          if (isPhotoName(baseName(path))) photos += 1;
          else skipped.push(baseName(path));
        }
      } else if (isPhotoName(file.name)) {
        photos += 1;
      } else {
        skipped.push(file.name);
      }
    }
    if (run !== counting) return; // the files changed meanwhile
    form.dataset.photoCount = String(photos);
    const tooMany = maxPhotos && photos > maxPhotos;
    form.dataset.batchInvalid = tooMany || (photos === 0 && !unknown) ? "true" : "false";
    summary.innerHTML = "";
    const line = document.createElement("p");
    line.dataset.testid = "batch-photo-count";
    line.textContent = interpolate(
      unknown
        ? ngettext(
          "%s photo in this batch, plus an archive counted after upload, same options for each.",
          "%s photos in this batch, plus an archive counted after upload, same options for each.",
          photos,
        )
        : ngettext(
          "%s photo in this batch, same options for each.",
          "%s photos in this batch, same options for each.",
          photos,
        ),
      [photos],
    );
    summary.append(line);
    if (tooMany) {
      const warning = document.createElement("p");
      warning.textContent = interpolate(gettext("A batch holds at most %s photos; choose fewer."), [maxPhotos]);
      summary.append(warning);
    }
    if (skipped.length) {
      const heading = document.createElement("p");
      heading.textContent = interpolate(gettext("Not photos, skipped (%s):"), [skipped.length]);
      const list = document.createElement("ul");
      skipped.slice(0, 20).forEach((name) => list.append(listItem(name)));
      if (skipped.length > 20) list.append(listItem(interpolate(gettext("…and %s more"), [skipped.length - 20])));
      summary.append(heading, list);
    }
    summary.hidden = false;
    form.dispatchEvent(new Event("photos-counted"));
  }

  fileInput.addEventListener("change", countPhotos);
  dropzone.addEventListener("drop", () => setTimeout(countPhotos));

  // Sending with XMLHttpRequest gives upload progress, which fetch() does not report.
  form.addEventListener("submit", (event) => {
    if (!fileInput.files.length || !window.XMLHttpRequest || !window.FormData) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    const submit = form.querySelector("[data-submit]");
    submit.disabled = true;
    progressBox.hidden = false;
    progressStatus.textContent = gettext("Uploading…");
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      progressBar.value = percent;
      progressStatus.textContent = percent < 100
        ? interpolate(gettext("Uploading… %s"), [`${percent} %`])
        : gettext("Checking the photos…");
    });
    request.addEventListener("load", () => {
      // A redirect (followed by the browser) leads to the new job or batch; any other
      // answer is the form again, with the server's errors, shown as the whole page.
      if (request.status < 400 && request.responseURL && !request.responseURL.endsWith(form.getAttribute("action"))) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => {
      submit.disabled = false;
      progressStatus.textContent = gettext("The upload failed (connection lost?); nothing was charged. Try again.");
    });
    request.send(new FormData(form));
  });
})();
