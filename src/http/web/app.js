"use strict";
// The page's whole logic: no framework, no build step. Every text from the server goes in
// through textContent, never as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const KEY = "peerstream-token";
  const fromUrl = new URLSearchParams(location.search).get("token");
  if (fromUrl) sessionStorage.setItem(KEY, fromUrl);
  let token = sessionStorage.getItem(KEY) || "";

  // Bearer for fetch; ?token= for what the browser or a player fetches by URL.
  function withToken(url) {
    if (!token) return url;
    const u = new URL(url, location.href);
    u.searchParams.set("token", token);
    return u.toString();
  }

  async function api(path, options) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers = Object.assign({}, (options && options.headers) || {});
      if (token) headers.Authorization = "Bearer " + token;
      const response = await fetch(path, Object.assign({}, options, { headers }));
      if (response.status === 401 && attempt === 0) {
        const given = prompt("This server needs its access token:");
        if (!given) break;
        token = given.trim();
        sessionStorage.setItem(KEY, token);
        continue;
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
      return body;
    }
    throw new Error("the access token was refused");
  }

  function size(bytes) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i ? bytes.toFixed(1) : bytes) + " " + units[i];
  }

  function cell(row, text, cls) {
    const td = row.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  // --- playing -----------------------------------------------------------------------
  const video = $("video");
  const events = [];
  window.peerstream = { events };
  function videoState(text) {
    $("video-state").textContent = text;
    video.dataset.state = text;
  }
  for (const name of ["loadedmetadata", "playing", "seeking", "seeked", "waiting", "error"]) {
    video.addEventListener(name, () => {
      events.push(name);
      if (name === "error") return;
      videoState(name === "loadedmetadata" ? "loaded" : name);
    });
  }
  video.addEventListener("error", () => {
    const code = video.error ? video.error.code : 0;
    videoState("error");
    // 3 = MEDIA_ERR_DECODE, 4 = MEDIA_ERR_SRC_NOT_SUPPORTED: the container or a codec.
    cannotDecode(code === 3 || code === 4 ? "This browser cannot decode this file"
      : "The video stopped with an error (" + (video.error && video.error.message || code) + ")");
  });
  video.addEventListener("loadedmetadata", () => {
    // Chromium plays HEVC-in-MP4 as sound only: a video file without picture is a codec problem.
    if (video.videoWidth === 0 && current && /\.(mp4|mkv|mov|m4v|webm|avi)$/i.test(current.path)) {
      cannotDecode("This browser decodes no picture for this file");
    }
  });
  function cannotDecode(what) {
    const note = $("decode-note");
    note.textContent = what + " (MKV, HEVC or AC-3 are common reasons): open it in mpv or VLC: " +
      $("player-command").value;
    note.hidden = false;
  }

  let current = null;
  function playFile(file, all) {
    current = file;
    $("decode-note").hidden = true;
    const url = withToken(file.stream_url);
    $("player").hidden = false;
    $("player-command").value = "mpv '" + url + "'";
    video.src = url;
    videoState("loading");
    video.play().catch(() => { /* autoplay may be refused; the controls remain */ });
    const list = $("files");
    list.textContent = "";
    for (const f of all) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "#";
      a.textContent = f.path + " (" + size(f.size) + ")";
      if (f === file) a.className = "current";
      a.addEventListener("click", (e) => { e.preventDefault(); playFile(f, all); });
      li.appendChild(a);
      list.appendChild(li);
    }
  }

  async function open(body, label) {
    $("open-note").textContent = "opening " + label + "… (an uncached torrent first waits for its metadata)";
    $("play-button").disabled = true;
    try {
      const added = await api("/api/torrents", { method: "POST", body });
      $("open-note").textContent = added.info_hash;
      $("m3u-link").href = withToken(added.m3u_url);
      const videos = added.files.filter((f) => f.video);
      const all = videos.length ? videos : added.files;
      const first = all.find((f) => f.stream_url.split("?")[0] === added.stream_url.split("?")[0]) ||
        all.reduce((a, b) => (b.size > a.size ? b : a), all[0]);
      playFile(first, all);
      refreshCache();
      refreshTorrents();
    } catch (e) {
      $("open-note").textContent = "cannot play: " + e.message;
    } finally {
      $("play-button").disabled = false;
    }
  }
  window.peerstream.open = (text) => open(text, text);

  $("open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const file = $("torrent-file").files[0];
    const text = $("target").value.trim();
    if (file) {
      $("torrent-file").value = "";
      open(file, file.name);
    } else if (text) {
      open(text, text.length > 60 ? text.slice(0, 57) + "…" : text);
    }
  });
  $("torrent-file").addEventListener("change", () => $("open-form").requestSubmit());
  $("copy-command").addEventListener("click", async () => {
    const field = $("player-command");
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (_) {
      field.select();
      document.execCommand("copy");
    }
    $("copy-command").textContent = "Copied";
    setTimeout(() => { $("copy-command").textContent = "Copy"; }, 1500);
  });

  // --- lists ---------------------------------------------------------------------------
  async function refreshCache() {
    try {
      const listing = await api("/api/cache");
      const body = $("cache").tBodies[0];
      body.textContent = "";
      for (const entry of listing.entries) {
        const row = body.insertRow();
        const prefix = entry.info_hash + "/";
        const name = cell(row, entry.file.startsWith(prefix) ? entry.file.slice(prefix.length) : entry.file, "name");
        name.title = entry.info_hash;
        cell(row, size(entry.size));
        cell(row, entry.state);
        const action = row.insertCell();
        if (entry.state === "complete") {
          const button = document.createElement("button");
          button.className = "small";
          button.textContent = "Play";
          button.addEventListener("click", () => open(entry.info_hash, entry.file));
          action.appendChild(button);
        }
      }
      $("cache-empty").hidden = listing.entries.length > 0;
      $("status").textContent = size(listing.total_bytes) + " cached";
    } catch (e) {
      $("status").textContent = e.message;
    }
  }

  async function refreshTorrents() {
    try {
      const { torrents } = await api("/api/torrents");
      const body = $("torrents").tBodies[0];
      body.textContent = "";
      for (const t of torrents) {
        const row = body.insertRow();
        cell(row, t.name, "name");
        const p = row.insertCell();
        const bar = document.createElement("progress");
        bar.max = 1;
        bar.value = t.progress;
        p.appendChild(bar);
        p.appendChild(document.createTextNode(" " + Math.floor(t.progress * 100) + "%" +
          (t.error ? " — " + t.error : "")));
        cell(row, size(t.download_bytes_per_second) + "/s");
        cell(row, String(t.peers));
      }
      $("torrents-empty").hidden = torrents.length > 0;
    } catch (_) { /* shown by the cache refresh */ }
  }

  refreshCache();
  refreshTorrents();
  // `/?play=<hash or magnet>`: a link that opens the page playing something.
  const toPlay = new URLSearchParams(location.search).get("play");
  if (toPlay) {
    $("target").value = toPlay;
    open(toPlay, toPlay);
  }
  setInterval(refreshTorrents, 2000);
  setInterval(refreshCache, 15000);
})();
