/* tablesnap browser page.
 *
 * Talks to /api/v1 like any client, sending the user's key in X-API-Key. Progress comes from the
 * job's Server-Sent Events, read with fetch() (EventSource cannot send headers) and parsed here;
 * if the stream fails the page polls the job every second instead. Every piece of text from the
 * user or the server reaches the page through textContent, never innerHTML.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var STORE_KEY = "tablesnap.apiKey";
  var STORE_REMEMBER = "tablesnap.rememberKey";
  var STORE_RECENT = "tablesnap.recentJobs";
  var RECENT_MAX = 5;
  var PREVIEW_ROWS = 10;
  var POLL_MS = 1000;
  var STREAM_IDLE_MS = 45000; // no byte at all (not even a heartbeat) for this long: poll instead
  var END_STATES = ["finished", "failed", "canceled"];

  function $(id) { return document.getElementById(id); }

  var ui = {
    key: $("api-key"), toggleKey: $("toggle-key"), remember: $("remember-key"), forget: $("forget-key"),
    keyStatus: $("key-status"),
    form: $("convert-form"), fileInput: $("file-input"), dropZone: $("drop-zone"),
    chosenList: $("chosen-list"), chosenEmpty: $("chosen-empty"), layout: $("layout"), locale: $("locale"),
    formError: $("form-error"), convert: $("convert"), convertHint: $("convert-hint"),
    job: $("job"), jobId: $("job-id"), progress: $("progress"), progressText: $("progress-text"),
    liveStatus: $("live-status"), jobFiles: $("job-files"), jobError: $("job-error"),
    cancel: $("cancel"), download: $("download"), downloadStatus: $("download-status"),
    preview: $("preview"), previewTables: $("preview-tables"),
    recent: $("recent"), recentList: $("recent-list"), clearRecent: $("clear-recent")
  };

  /* ---------- small helpers ---------- */

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (name) {
        if (name === "text") node.textContent = props[name];
        else if (name === "className") node.className = props[name];
        else node.setAttribute(name, props[name]);
      });
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function show(node, visible) { node.hidden = !visible; }

  function setAlert(node, message) {
    node.textContent = message || "";
    show(node, Boolean(message));
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  var storage = {
    get: function (name) { try { return window.localStorage.getItem(name); } catch (e) { return null; } },
    set: function (name, value) { try { window.localStorage.setItem(name, value); } catch (e) { /* private mode */ } },
    remove: function (name) { try { window.localStorage.removeItem(name); } catch (e) { /* ignore */ } }
  };

  /* ---------- talking to the API ---------- */

  function apiKey() { return ui.key.value.trim(); }

  function ApiFailure(message, status, body) {
    this.message = message;
    this.status = status;
    this.body = body;
  }

  /* The user-facing message of an error response: the server's own message when it sent one. */
  function errorFromResponse(response) {
    return response.text().then(function (text) {
      var body = null;
      try { body = JSON.parse(text); } catch (e) { body = null; }
      var err = body && body.error;
      var message = err && err.message ? err.message
        : "The server answered " + response.status + (response.statusText ? " " + response.statusText : "") + ".";
      return new ApiFailure(message, response.status, err || null);
    });
  }

  function networkFailure(error) {
    if (error instanceof ApiFailure) return error;
    if (error && error.name === "TypeError" && /header|ISO-8859-1|Headers/i.test(String(error.message))) {
      return new ApiFailure("The API key contains characters that cannot be sent; check it.", 0, null);
    }
    return new ApiFailure("Could not reach the server: check your connection and try again.", 0, null);
  }

  function api(method, path, options) {
    var init = { method: method, headers: { "X-API-Key": apiKey(), "Accept": "application/json" },
                 cache: "no-store" };
    if (options && options.signal) init.signal = options.signal;
    var request;
    try {
      request = fetch(API + path, init);
    } catch (e) {
      return Promise.reject(networkFailure(e));
    }
    return request.then(function (response) {
      if (!response.ok) return errorFromResponse(response).then(function (f) { throw f; });
      return options && options.raw ? response : response.json();
    }, function (e) {
      if (e && e.name === "AbortError") throw e;
      throw networkFailure(e);
    });
  }

  /* ---------- API key ---------- */

  function initKey() {
    var remember = storage.get(STORE_REMEMBER) !== "0";
    ui.remember.checked = remember;
    if (remember) ui.key.value = storage.get(STORE_KEY) || "";
    ui.key.addEventListener("input", function () {
      if (ui.remember.checked) {
        if (apiKey()) storage.set(STORE_KEY, apiKey()); else storage.remove(STORE_KEY);
      }
      ui.keyStatus.textContent = "";
      updateConvert();
    });
    ui.remember.addEventListener("change", function () {
      if (ui.remember.checked) {
        storage.set(STORE_REMEMBER, "1");
        if (apiKey()) storage.set(STORE_KEY, apiKey());
        ui.keyStatus.textContent = "The key will be remembered on this device.";
      } else {
        storage.set(STORE_REMEMBER, "0");
        storage.remove(STORE_KEY);
        ui.keyStatus.textContent = "The key will not be kept on this device.";
      }
    });
    ui.toggleKey.addEventListener("click", function () {
      var showing = ui.key.type === "text";
      ui.key.type = showing ? "password" : "text";
      ui.toggleKey.textContent = showing ? "Show" : "Hide";
      ui.toggleKey.setAttribute("aria-pressed", showing ? "false" : "true");
      ui.toggleKey.setAttribute("aria-label", showing ? "Show API key" : "Hide API key");
    });
    ui.toggleKey.setAttribute("aria-label", "Show API key");
    ui.forget.addEventListener("click", function () {
      ui.key.value = "";
      storage.remove(STORE_KEY);
      ui.keyStatus.textContent = "The key is forgotten on this device.";
      updateConvert();
      ui.key.focus();
    });
  }

  /* ---------- choosing files ---------- */

  var chosen = []; // {file, error}
  var running = false;

  function addFiles(list) {
    Array.prototype.forEach.call(list || [], function (file) {
      var duplicate = chosen.some(function (c) {
        return c.file.name === file.name && c.file.size === file.size && c.file.lastModified === file.lastModified;
      });
      if (!duplicate) chosen.push({ file: file, error: "" });
    });
    setAlert(ui.formError, "");
    renderChosen();
  }

  function renderChosen() {
    clear(ui.chosenList);
    chosen.forEach(function (item, index) {
      var name = item.file.name || "unnamed file";
      var remove = el("button", { type: "button", className: "secondary", text: "Remove",
                                  "aria-label": "Remove " + name });
      remove.addEventListener("click", function () {
        chosen.splice(index, 1);
        setAlert(ui.formError, "");
        renderChosen();
        (ui.chosenList.querySelector("button") || ui.fileInput).focus();
      });
      ui.chosenList.appendChild(el("li", null, [
        el("span", { className: "file-name", text: name }),
        el("span", { className: "file-size", text: formatSize(item.file.size) }),
        remove,
        item.error ? el("span", { className: "file-error", text: item.error }) : null
      ]));
    });
    show(ui.chosenEmpty, chosen.length === 0);
    updateConvert();
  }

  function updateConvert() {
    var missing = [];
    if (!apiKey()) missing.push("enter your API key");
    if (!chosen.length) missing.push("choose at least one picture");
    ui.convert.disabled = running || missing.length > 0;
    ui.convert.textContent = chosen.length > 1 ? "Convert " + chosen.length + " pictures" : "Convert";
    ui.convertHint.textContent = running ? "A conversion is running." :
      missing.length ? "To convert, " + missing.join(" and ") + "." : "";
  }

  function initFiles() {
    ui.fileInput.addEventListener("change", function () {
      addFiles(ui.fileInput.files);
      ui.fileInput.value = ""; // so choosing the same file again fires change again
    });
    var depth = 0;
    ui.dropZone.addEventListener("dragenter", function (event) {
      event.preventDefault();
      depth += 1;
      ui.dropZone.classList.add("dragging");
    });
    ui.dropZone.addEventListener("dragover", function (event) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    });
    ui.dropZone.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (!depth) ui.dropZone.classList.remove("dragging");
    });
    ui.dropZone.addEventListener("drop", function (event) {
      event.preventDefault();
      depth = 0;
      ui.dropZone.classList.remove("dragging");
      if (event.dataTransfer) addFiles(event.dataTransfer.files);
    });
    // A file dropped beside the zone must not replace the page.
    ["dragover", "drop"].forEach(function (type) {
      window.addEventListener(type, function (event) {
        if (!ui.dropZone.contains(event.target)) event.preventDefault();
      });
    });
  }

  /* ---------- recent jobs ---------- */

  function recentJobs() {
    try {
      var list = JSON.parse(storage.get(STORE_RECENT) || "[]");
      return Array.isArray(list) ? list.filter(function (j) { return j && typeof j.id === "string"; }) : [];
    } catch (e) { return []; }
  }

  function rememberJob(id, names) {
    var label = names[0] || id;
    if (names.length > 1) label += " and " + plural(names.length - 1, "more file", "more files");
    var list = recentJobs().filter(function (j) { return j.id !== id; });
    list.unshift({ id: id, label: label, at: new Date().toISOString() });
    storage.set(STORE_RECENT, JSON.stringify(list.slice(0, RECENT_MAX)));
    renderRecent();
  }

  function renderRecent() {
    var list = recentJobs();
    clear(ui.recentList);
    list.forEach(function (job) {
      var when = new Date(job.at);
      var label = String(job.label || job.id);
      var open = el("button", { type: "button", className: "secondary", text: "Show",
                                "aria-label": "Show job " + label });
      open.addEventListener("click", function () { openJob(job.id); });
      ui.recentList.appendChild(el("li", null, [
        el("span", { className: "recent-label", text: label }),
        isNaN(when.getTime()) ? null : el("time", { className: "hint", datetime: when.toISOString(),
                                                   text: when.toLocaleString() }),
        open
      ]));
    });
    show(ui.recent, list.length > 0);
  }

  function initRecent() {
    ui.clearRecent.addEventListener("click", function () {
      storage.remove(STORE_RECENT);
      renderRecent();
      ui.fileInput.focus();
    });
    renderRecent();
  }

  /* ---------- the current job ---------- */

  var job = null; // {id, total, done, rows: [{name, status, tables, cached, error, li, badge, detail}], ended}
  var generation = 0; // bumps whenever another job takes over, so late callbacks of the old one are ignored
  var streamAbort = null;
  var pollTimer = null;

  function stopFollowing() {
    generation += 1;
    if (streamAbort) { streamAbort.abort(); streamAbort = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  function setState(state) {
    ui.job.setAttribute("data-state", state);
    running = state === "uploading" || state === "running";
    show(ui.cancel, state === "running");
    ui.cancel.disabled = false;
    updateConvert();
  }

  function setProgress(done, total, uploadFraction) {
    if (uploadFraction !== undefined) {
      var pct = Math.round(uploadFraction * 100);
      ui.progress.max = 100;
      ui.progress.value = pct;
      ui.progress.textContent = "Uploading " + pct + "%";
      ui.progressText.textContent = "Uploading " + pct + "%";
      return;
    }
    job.done = done;
    job.total = total;
    ui.progress.max = Math.max(total, 1);
    ui.progress.value = done;
    var text = done + " of " + plural(total, "picture", "pictures") + " read";
    ui.progress.textContent = text;
    ui.progressText.textContent = done + " of " + total;
  }

  function announce(message) { ui.liveStatus.textContent = message; }

  function statusLabel(row) {
    switch (row.status) {
      case "uploading": return "Uploading";
      case "queued": return "Queued";
      case "started": return "Reading…";
      case "finished":
        return "Done: " + (row.tables ? plural(row.tables, "table", "tables") : "no table found") +
          (row.cached ? ", cached" : "");
      case "failed": return "Failed";
      case "canceled": return "Canceled";
      default: return row.status;
    }
  }

  function renderRow(row) {
    row.badge.textContent = statusLabel(row);
    row.badge.setAttribute("data-status", row.status);
    row.detail.textContent = row.status === "failed" && row.error ? row.error : "";
    show(row.detail, Boolean(row.detail.textContent));
  }

  function startJobView(names, status) {
    stopFollowing();
    job = { id: null, total: names.length, done: 0, rows: [], ended: false };
    clear(ui.jobFiles);
    names.forEach(function (name) {
      var row = { name: name, status: status, tables: 0, cached: false, error: "" };
      row.badge = el("span", { className: "badge" });
      row.detail = el("span", { className: "file-error" });
      row.li = el("li", null, [el("span", { className: "file-name", text: name }), row.badge, row.detail]);
      job.rows.push(row);
      ui.jobFiles.appendChild(row.li);
      renderRow(row);
    });
    ui.jobId.textContent = "";
    setAlert(ui.jobError, "");
    ui.downloadStatus.textContent = "";
    show(ui.download, false);
    show(ui.preview, false);
    clear(ui.previewTables);
    show(ui.job, true);
    setProgress(0, names.length);
  }

  function applyFileState(index, state) {
    var row = job && job.rows[index];
    if (!row) return;
    if (state.status) row.status = state.status;
    if (state.tables !== undefined && state.tables !== null) row.tables = state.tables;
    if (state.cached !== undefined && state.cached !== null) row.cached = Boolean(state.cached);
    if (state.error !== undefined) row.error = state.error ? (state.error.message || String(state.error)) : "";
    renderRow(row);
  }

  function applyProgress(data) {
    if (typeof data.total === "number") setProgress(data.done || 0, data.total);
    if (data.current_file) {
      var current = null;
      job.rows.forEach(function (row) {
        if (!current && row.name === data.current_file && (row.status === "queued" || row.status === "started")) {
          current = row;
        }
      });
      if (current && current.status === "queued") { current.status = "started"; renderRow(current); }
      announce("Reading " + data.current_file + " (" + job.done + " of " + job.total + " done)");
    } else if (!job.ended) {
      announce(job.done + " of " + plural(job.total, "picture", "pictures") + " read");
    }
  }

  function applyStatus(body) {
    (body.files || []).forEach(function (file, i) {
      applyFileState(typeof file.index === "number" ? file.index : i, file);
    });
    if (body.progress) applyProgress(body.progress);
  }

  /* Submit the chosen files with XMLHttpRequest, the one browser API that reports upload progress. */
  function upload(formData, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", API + "/convert");
      try {
        xhr.setRequestHeader("X-API-Key", apiKey());
      } catch (e) {
        reject(new ApiFailure("The API key contains characters that cannot be sent; check it.", 0, null));
        return;
      }
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && event.total) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 202 && body && body.job_id) { resolve(body); return; }
        var err = body && body.error;
        reject(new ApiFailure(err && err.message ? err.message :
          "The server answered " + xhr.status + (xhr.statusText ? " " + xhr.statusText : "") + ".",
          xhr.status, err || null));
      });
      xhr.addEventListener("error", function () {
        reject(new ApiFailure("Could not reach the server: check your connection and try again.", 0, null));
      });
      xhr.addEventListener("abort", function () { reject(new ApiFailure("The upload was stopped.", 0, null)); });
      xhr.send(formData);
    });
  }

  function submit(event) {
    event.preventDefault();
    if (ui.convert.disabled) return;
    setAlert(ui.formError, "");
    var items = chosen.slice();
    var data = new FormData();
    items.forEach(function (item) { item.error = ""; data.append("files", item.file, item.file.name); });
    data.append("layout", ui.layout.value);
    data.append("locale", ui.locale.value);
    var names = items.map(function (item) { return item.file.name || "unnamed file"; });
    startJobView(names, "uploading");
    setState("uploading");
    var mine = generation;
    var totalBytes = items.reduce(function (sum, item) { return sum + item.file.size; }, 0);
    announce("Uploading " + plural(items.length, "picture", "pictures") + " (" + formatSize(totalBytes) + ")…");
    setProgress(0, 0, 0);
    upload(data, function (fraction) { if (mine === generation) setProgress(0, 0, fraction); })
      .then(function (accepted) {
        if (mine !== generation) return;
        chosen = chosen.filter(function (c) { return items.indexOf(c) < 0; });
        renderChosen();
        job.id = accepted.job_id;
        ui.jobId.textContent = accepted.job_id;
        job.rows.forEach(function (row) { row.status = "queued"; renderRow(row); });
        setProgress(0, names.length);
        setState("running");
        announce("Uploaded. Waiting for a worker…");
        rememberJob(accepted.job_id, names);
        follow(accepted.job_id);
      }, function (failure) {
        if (mine !== generation) return;
        show(ui.job, false);
        setState("idle");
        var details = failure.body && failure.body.details;
        if (details && typeof details.index === "number" && items[details.index]) {
          items[details.index].error = failure.message;
          renderChosen();
        }
        setAlert(ui.formError, failure.message);
      });
  }

  /* ---------- following a job: SSE over fetch, polling as the fallback ---------- */

  function follow(id) {
    var mine = generation;
    streamEvents(id, mine).then(function (ended) {
      if (mine !== generation || ended) return;
      poll(id, mine);
    }, function (failure) {
      if (mine !== generation) return;
      if (failure instanceof ApiFailure && (failure.status === 401 || failure.status === 404)) {
        endJob("failed", { message: failure.message });
        return;
      }
      poll(id, mine);
    });
  }

  /* Resolves true once an end event was handled, false if the stream closed before one. */
  function streamEvents(id, mine) {
    if (!window.ReadableStream || !window.TextDecoder || !window.AbortController) return Promise.resolve(false);
    var controller = new AbortController();
    streamAbort = controller;
    var idle = null;
    function touch() {
      clearTimeout(idle);
      idle = setTimeout(function () { controller.abort(); }, STREAM_IDLE_MS);
    }
    touch();
    var init = { headers: { "X-API-Key": apiKey(), "Accept": "text/event-stream" }, cache: "no-store",
                 signal: controller.signal };
    return fetch(API + "/jobs/" + encodeURIComponent(id) + "/events", init).then(function (response) {
      if (!response.ok) return errorFromResponse(response).then(function (f) { throw f; });
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("text/event-stream") !== 0 || !response.body) return false;
      var reader = response.body.getReader();
      var parser = sseParser(function (name, data) {
        if (mine !== generation) return;
        handleEvent(name, data);
      });
      function pump() {
        return reader.read().then(function (chunk) {
          if (mine !== generation) { controller.abort(); return true; }
          touch();
          if (chunk.done) { parser.end(); return job && job.ended; }
          parser.push(chunk.value);
          if (job && job.ended) { controller.abort(); return true; }
          return pump();
        });
      }
      return pump();
    }).catch(function (error) {
      if (error instanceof ApiFailure) throw error;
      return false; // aborted (idle) or network trouble: poll instead
    }).then(function (ended) {
      clearTimeout(idle);
      if (streamAbort === controller) streamAbort = null;
      return ended;
    }, function (error) {
      clearTimeout(idle);
      if (streamAbort === controller) streamAbort = null;
      throw error;
    });
  }

  /* A Server-Sent Events parser: "event:" and "data:" lines, a blank line ends an event,
     lines starting with ":" are comments (heartbeats). */
  function sseParser(onEvent) {
    var decoder = new TextDecoder("utf-8");
    var buffer = "";
    var eventName = "";
    var dataLines = [];
    function line(text) {
      if (text === "") {
        if (dataLines.length) onEvent(eventName || "message", dataLines.join("\n"));
        eventName = "";
        dataLines = [];
        return;
      }
      if (text.charAt(0) === ":") return;
      var colon = text.indexOf(":");
      var field = colon < 0 ? text : text.slice(0, colon);
      var value = colon < 0 ? "" : text.slice(colon + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") eventName = value;
      else if (field === "data") dataLines.push(value);
    }
    function drain(final) {
      var match;
      var re = /\r\n|\r|\n/g;
      var start = 0;
      while ((match = re.exec(buffer)) !== null) {
        // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
        if (!final && match[0] === "\r" && match.index === buffer.length - 1) break;
        line(buffer.slice(start, match.index));
        start = re.lastIndex;
      }
      buffer = buffer.slice(start);
    }
    return {
      push: function (bytes) { buffer += decoder.decode(bytes, { stream: true }); drain(false); },
      end: function () { buffer += decoder.decode(); drain(true); }
    };
  }

  function handleEvent(name, raw) {
    if (!job || job.ended) return;
    var data = {};
    try { data = JSON.parse(raw); } catch (e) { return; }
    if (name === "progress") {
      applyProgress(data);
    } else if (name === "file_finished") {
      applyFileState(data.index, { status: "finished", tables: data.tables, cached: data.cached, error: null });
      announce("Read " + data.name + ": " + plural(data.tables || 0, "table", "tables"));
    } else if (name === "file_failed") {
      applyFileState(data.index, { status: "failed", error: data.error });
      announce("Could not read " + data.name + ": " + (data.error && data.error.message || "failed"));
    } else if (END_STATES.indexOf(name) >= 0) {
      endJob(name, data.error);
    }
  }

  function poll(id, mine) {
    if (mine !== generation || !job || job.ended) return;
    api("GET", "/jobs/" + encodeURIComponent(id)).then(function (body) {
      if (mine !== generation || job.ended) return;
      applyStatus(body);
      if (END_STATES.indexOf(body.status) >= 0) { endJob(body.status, body.error, body); return; }
      pollTimer = setTimeout(function () { poll(id, mine); }, POLL_MS);
    }, function (failure) {
      if (mine !== generation || job.ended) return;
      if (failure.status === 401 || failure.status === 404) { endJob("failed", { message: failure.message }); return; }
      announce("Connection trouble (" + failure.message + "); retrying…");
      pollTimer = setTimeout(function () { poll(id, mine); }, POLL_MS * 2);
    });
  }

  function endJob(status, error, statusBody) {
    if (!job || job.ended) return;
    job.ended = true;
    if (streamAbort) { streamAbort.abort(); streamAbort = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
    var id = job.id;
    var mine = generation;
    if (status === "finished") setProgress(job.total, job.total);
    setState(status);
    if (status === "finished") {
      announce("Finished: " + job.total + " of " + plural(job.total, "picture", "pictures") + " read. The workbook is ready.");
      show(ui.download, true);
      loadPreview(id, mine);
    } else if (status === "canceled") {
      job.rows.forEach(function (row) {
        if (row.status === "queued" || row.status === "started" || row.status === "uploading") {
          row.status = "canceled";
          renderRow(row);
        }
      });
      showCanceled();
    } else {
      announce("The conversion failed.");
      setAlert(ui.jobError, (error && error.message) || "The conversion failed.");
    }
    // The stream tells the end, the status tells every file's final state: show both.
    if (id && !statusBody) {
      api("GET", "/jobs/" + encodeURIComponent(id)).then(function (body) {
        if (mine !== generation) return;
        (body.files || []).forEach(function (file, i) { applyFileState(typeof file.index === "number" ? file.index : i, file); });
        if (status === "canceled") showCanceled();
        else if (body.progress && status !== "finished") setProgress(body.progress.done, body.progress.total);
      }, function () { /* the end state is already shown */ });
    }
  }

  /* A canceled job counts its canceled files as done; the bar shows only the files really read. */
  function showCanceled() {
    var read = job.rows.filter(function (row) { return row.status === "finished" || row.status === "failed"; }).length;
    setProgress(read, job.rows.length);
    ui.progressText.textContent = read + " of " + job.rows.length;
    announce("Canceled after " + read + " of " + plural(job.rows.length, "picture", "pictures") + ".");
  }

  /* Open a job from the recent list (or any id): its files, then follow it if it still runs. */
  function openJob(id) {
    if (!apiKey()) {
      setAlert(ui.formError, "Enter your API key to see this job.");
      ui.key.focus();
      return;
    }
    stopFollowing();
    var mine = generation;
    setAlert(ui.formError, "");
    api("GET", "/jobs/" + encodeURIComponent(id)).then(function (body) {
      if (mine !== generation) return;
      var names = (body.files || []).map(function (f) { return f.name; });
      startJobView(names, "queued");
      mine = generation;
      job.id = id;
      ui.jobId.textContent = id;
      applyStatus(body);
      ui.job.scrollIntoView({ block: "start" });
      if (END_STATES.indexOf(body.status) >= 0) {
        endJob(body.status, body.error, body);
      } else {
        setState("running");
        follow(id);
      }
    }, function (failure) {
      if (mine !== generation) return;
      setAlert(ui.formError, failure.message);
    });
  }

  function cancelJob() {
    if (!job || !job.id || job.ended) return;
    var mine = generation;
    ui.cancel.disabled = true;
    announce("Canceling…");
    api("DELETE", "/jobs/" + encodeURIComponent(job.id)).then(function (body) {
      if (mine !== generation) return;
      applyStatus(body);
      endJob(body.status === "canceled" ? "canceled" : body.status, body.error, body);
    }, function (failure) {
      if (mine !== generation || job.ended) return;
      ui.cancel.disabled = false;
      setAlert(ui.jobError, failure.message);
    });
  }

  /* ---------- results ---------- */

  function loadPreview(id, mine) {
    api("GET", "/jobs/" + encodeURIComponent(id) + "/preview?rows=" + PREVIEW_ROWS).then(function (body) {
      if (mine !== generation) return;
      renderPreview(body.files || []);
    }, function (failure) {
      if (mine !== generation) return;
      clear(ui.previewTables);
      ui.previewTables.appendChild(el("p", { className: "preview-note", text: "No preview: " + failure.message }));
      show(ui.preview, true);
    });
  }

  var captionCount = 0;

  function renderPreview(files) {
    clear(ui.previewTables);
    files.forEach(function (file) {
      var name = file.name || "unnamed file";
      var tables = file.tables || [];
      if (file.status !== "finished") {
        var why = file.error && file.error.message ? ": " + file.error.message : "";
        ui.previewTables.appendChild(el("p", { className: "preview-note", text: name + ": " + file.status + why }));
        return;
      }
      if (!tables.length) {
        ui.previewTables.appendChild(el("p", { className: "preview-note", text: name + ": no table found" }));
        return;
      }
      tables.forEach(function (table, t) {
        ui.previewTables.appendChild(renderTable(name, table, t, tables.length));
      });
    });
    show(ui.preview, true);
  }

  function renderTable(fileName, table, t, count) {
    var rows = table.rows || [];
    var headerRows = Math.min(Math.max(table.header_rows || 0, 0), rows.length);
    var caption = fileName + (count > 1 ? " — table " + (t + 1) + " of " + count : "") +
      (table.title ? ": " + table.title : "");
    var captionId = "preview-caption-" + (++captionCount);
    var node = el("table");
    node.appendChild(el("caption", { id: captionId, text: caption }));
    if (headerRows) {
      var head = el("thead");
      rows.slice(0, headerRows).forEach(function (cells) {
        head.appendChild(el("tr", null, cells.map(function (text) {
          return el("th", { scope: "col", text: text == null ? "" : String(text) });
        })));
      });
      node.appendChild(head);
    }
    var body = el("tbody");
    rows.slice(headerRows).forEach(function (cells) {
      body.appendChild(el("tr", null, cells.map(function (text) {
        return el("td", { text: text == null ? "" : String(text) });
      })));
    });
    node.appendChild(body);
    var wrapper = el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": captionId },
                     [node]);
    var fragment = document.createDocumentFragment();
    fragment.appendChild(wrapper);
    if (typeof table.n_rows === "number" && table.n_rows > rows.length) {
      fragment.appendChild(el("p", { className: "preview-note",
        text: "Showing the first " + rows.length + " of " + table.n_rows + " rows." }));
    }
    return fragment;
  }

  /* The file name from Content-Disposition: filename*=UTF-8''... wins over filename=... */
  function dispositionName(header) {
    if (!header) return "";
    var star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
    if (star) {
      try { return decodeURIComponent(star[2].trim()); } catch (e) { /* fall through */ }
    }
    var plain = /filename\s*=\s*("((?:\\.|[^"\\])*)"|[^;]+)/i.exec(header);
    if (plain) return (plain[2] !== undefined ? plain[2].replace(/\\(.)/g, "$1") : plain[1]).trim();
    return "";
  }

  function safeName(name, fallback) {
    var cleaned = String(name || "").replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").trim();
    return cleaned || fallback;
  }

  function download() {
    if (!job || !job.id) return;
    var id = job.id;
    ui.download.disabled = true;
    ui.downloadStatus.textContent = "Preparing the download…";
    api("GET", "/jobs/" + encodeURIComponent(id) + "/download", { raw: true }).then(function (response) {
      var name = safeName(dispositionName(response.headers.get("Content-Disposition")), "tablesnap-" + id + ".xlsx");
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el("a", { href: url, download: name });
        link.hidden = true;
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        ui.downloadStatus.textContent = "Downloaded " + name + " (" + formatSize(blob.size) + ").";
      });
    }).catch(function (failure) {
      ui.downloadStatus.textContent = "";
      setAlert(ui.jobError, failure.message || "The download failed.");
    }).then(function () {
      ui.download.disabled = false;
    });
  }

  /* ---------- start ---------- */

  initKey();
  initFiles();
  initRecent();
  ui.form.addEventListener("submit", submit);
  ui.cancel.addEventListener("click", cancelJob);
  ui.download.addEventListener("click", download);
  renderChosen();
})();
