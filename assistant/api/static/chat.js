"use strict";
// ViA-assistent web chat: streaming answers, clickable citations, feedback, Meldcode-wegwijzer.
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $("log"), form = $("ask"), input = $("question"), panel = $("panel");
  let sessionId = sessionStorage.getItem("via-session") || null;
  let apiKey = sessionStorage.getItem("via-key") || "";
  let walk = null; // current Meldcode-wegwijzer view while walking
  let lastFocus = null;

  const headers = () => {
    const h = { "Content-Type": "application/json" };
    if (apiKey) h.Authorization = `Bearer ${apiKey}`;
    return h;
  };
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const scroll = (node) => node.scrollIntoView({ block: "nearest" });

  async function problem(res) {
    if (res.status === 401) $("keyform").hidden = false;
    try { return (await res.json()).detail || `Fout ${res.status}`; } catch { return `Fout ${res.status}`; }
  }
  function showError(box, text) {
    box.className = "msg error";
    box.replaceChildren(el("p", "", text));
  }

  // Answer text with [n] markers turned into citation buttons.
  function richText(text, citations) {
    const frag = document.createDocumentFragment();
    const byN = new Map(citations.map((c) => [c.n, c]));
    for (const para of text.split(/\n{2,}/)) {
      const p = el("p");
      for (const part of para.split(/(\[\d+\])/)) {
        const m = part.match(/^\[(\d+)\]$/);
        const c = m && byN.get(Number(m[1]));
        if (c) p.append(citeButton(c, `[${c.n}]`, "cite"));
        else p.append(document.createTextNode(part));
      }
      frag.append(p);
    }
    return frag;
  }
  function citeButton(c, label, cls) {
    const b = el("button", cls, label);
    b.type = "button";
    b.setAttribute("aria-label", `Bron ${c.n ?? ""}: ${c.title}${c.section ? ", " + c.section : ""}`);
    b.addEventListener("click", () => openPassage(c.chunk_id, b));
    return b;
  }
  // "Zie ook": pointers to other relevant passages, each opening its source.
  function seeAlso(pointers, citations) {
    const p = el("p", "see-also", "Zie ook: ");
    const byN = new Map(citations.map((c) => [c.n, c]));
    pointers.forEach((ptr, i) => {
      const c = byN.get(ptr.n);
      const label = ptr.section ? `${ptr.title} — ${ptr.section}` : ptr.title;
      if (i) p.append(document.createTextNode("; "));
      p.append(c ? citeButton(c, label, "cite") : document.createTextNode(label));
    });
    return p;
  }
  function sourceList(citations) {
    const ol = el("ol", "sources");
    ol.setAttribute("aria-label", "Bronnen");
    for (const c of citations) {
      const li = el("li");
      li.value = c.n;
      const where = [c.section, c.page ? `p. ${c.page}` : ""].filter(Boolean).join(", ");
      li.append(citeButton(c, `${c.title}${where ? " — " + where : ""}`, ""));
      ol.append(li);
    }
    return ol;
  }
  function rating(answer) {
    const box = el("div", "rate");
    box.append(el("span", "", "Was dit antwoord bruikbaar?"));
    for (const [value, label, name] of [["up", "👍", "Bruikbaar"], ["down", "👎", "Niet bruikbaar"]]) {
      const b = el("button", "", label);
      b.type = "button";
      b.setAttribute("aria-label", name);
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", async () => {
        const res = await fetch("/v1/feedback", {
          method: "POST", headers: headers(),
          body: JSON.stringify({ session_id: answer.session_id, answer_id: answer.answer_id, rating: value }),
        });
        box.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", "false"));
        if (res.ok) { b.setAttribute("aria-pressed", "true"); box.lastChild.textContent = "Dank je, opgeslagen."; }
        else box.lastChild.textContent = await problem(res);
      });
      box.append(b);
    }
    box.append(el("span", "thanks", ""));
    return box;
  }
  function renderAnswer(box, answer) {
    box.className = `msg answer ${answer.status}`;
    box.dataset.status = answer.status;
    box.replaceChildren();
    if (answer.alert) box.append(el("p", "lead", answer.alert));
    if (answer.answer) box.append(richText(answer.answer, answer.citations));
    if (answer.see_also.length) box.append(seeAlso(answer.see_also, answer.citations));
    if (answer.tip) box.append(el("p", "tip", answer.tip));
    if (answer.citations.length) box.append(sourceList(answer.citations));
    box.append(rating(answer));
    scroll(box);
  }

  async function readEvents(res, onEvent) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = (block.match(/^event: (.*)$/m) || [])[1] || "message";
        const data = (block.match(/^data: (.*)$/m) || [])[1];
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  }

  async function ask(question) {
    log.append(el("div", "msg user", question));
    const box = el("div", "msg answer pending");
    box.setAttribute("aria-busy", "true");
    const live = el("p", "", "");
    box.append(live);
    log.append(box);
    scroll(box);
    try {
      if (walk) {
        const res = await fetch("/v1/meldcode/ask", {
          method: "POST", headers: headers(), body: JSON.stringify({ state: walk.state, question, session_id: sessionId }),
        });
        if (!res.ok) return showError(box, await problem(res));
        const answer = await res.json();
        remember(answer.session_id);
        return renderAnswer(box, answer);
      }
      const res = await fetch("/v1/ask/stream", {
        method: "POST", headers: headers(), body: JSON.stringify({ question, session_id: sessionId }),
      });
      if (!res.ok) return showError(box, await problem(res));
      await readEvents(res, (event, data) => {
        if (event === "alert") box.insertBefore(el("p", "lead", data.text), live);
        else if (event === "delta") live.textContent += data.text;
        else if (event === "answer") { remember(data.session_id); renderAnswer(box, data); }
        else if (event === "error") showError(box, data.detail);
      });
    } catch {
      showError(box, "De assistent is niet bereikbaar. Probeer het opnieuw.");
    } finally {
      box.removeAttribute("aria-busy");
    }
  }
  function remember(id) {
    sessionId = id;
    sessionStorage.setItem("via-session", id);
  }

  async function openPassage(chunkId, opener) {
    lastFocus = opener;
    const res = await fetch(`/v1/passages/${encodeURIComponent(chunkId)}`, { headers: headers() });
    if (!res.ok) { alert(await problem(res)); return; }
    const { passage, previous, next } = await res.json();
    $("panel-title").textContent = passage.title;
    const meta = $("panel-meta");
    meta.replaceChildren();
    const kind = passage.kind === "samenvatting" ? "samenvatting (kennisbank)" : "officieel document";
    for (const [k, v] of [["Sectie", passage.section], ["Pagina", passage.page], ["Datum", passage.date], ["Soort", kind]]) {
      if (!v) continue;
      meta.append(el("dt", "", k), el("dd", "", v));
    }
    const ctx = $("panel-context");
    ctx.replaceChildren();
    if (previous) ctx.append(el("p", "near", previous.text));
    ctx.append(el("p", "hit", passage.text));
    if (next) ctx.append(el("p", "near", next.text));
    const link = $("panel-link");
    link.hidden = !passage.url;
    if (passage.url) link.href = passage.url;
    panel.hidden = false;
    panel.focus();
  }
  function closePanel() {
    panel.hidden = true;
    if (lastFocus) lastFocus.focus();
  }

  // Meldcode-wegwijzer: a guided walk, every screen cited.
  async function meldcode(body) {
    const res = body
      ? await fetch("/v1/meldcode", { method: "POST", headers: headers(), body: JSON.stringify(body) })
      : await fetch("/v1/meldcode", { headers: headers() });
    const box = el("div", "msg walk");
    log.append(box);
    if (!res.ok) return showError(box, await problem(res));
    const data = await res.json();
    walk = data.node.end ? null : data.node;
    renderNode(box, data);
  }
  function renderNode(box, data) {
    const node = data.node;
    box.dataset.node = node.id;
    box.append(el("p", "danger", node.acute));
    const title = el("p");
    title.append(el("strong", "", `${node.step}: ${node.title}`));
    box.append(title, el("p", "", node.text));
    for (const note of node.notes) box.append(el("p", "notes", note));
    const cites = data.passages.map((p, i) => ({ ...p, n: i + 1 }));
    if (cites.length) box.append(sourceList(cites));
    const options = el("div", "options");
    for (const o of node.options) {
      const b = el("button", "", o.label);
      b.type = "button";
      b.addEventListener("click", () => {
        options.querySelectorAll("button").forEach((x) => (x.disabled = true));
        b.setAttribute("aria-pressed", "true");
        meldcode({ state: node.state, choice: o.id });
      });
      options.append(b);
    }
    const dossier = el("button", "", node.end ? "Dossiersamenvatting" : "Samenvatting tot nu toe");
    dossier.type = "button";
    dossier.addEventListener("click", async () => {
      const res = await fetch("/v1/meldcode/dossier", { method: "POST", headers: headers(), body: JSON.stringify({ state: node.state }) });
      const out = el("div", "msg dossier");
      if (!res.ok) showError(out, await problem(res));
      else out.append(el("p", "", (await res.json()).dossier));
      log.append(out);
      scroll(out);
    });
    options.append(dossier);
    box.append(options);
    if (!node.end) box.append(el("p", "notes", "Je kunt ook een vraag over deze stap typen."));
    scroll(box);
    const first = options.querySelector("button");
    if (first) first.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) { input.focus(); return; }
    input.value = "";
    ask(q);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  $("reset").addEventListener("click", () => {
    sessionId = null; walk = null;
    sessionStorage.removeItem("via-session");
    log.replaceChildren();
    input.focus();
  });
  $("meldcode").addEventListener("click", () => meldcode(null));
  $("close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !panel.hidden) closePanel(); });
  $("keyform").addEventListener("submit", (e) => {
    e.preventDefault();
    apiKey = $("apikey").value.trim();
    sessionStorage.setItem("via-key", apiKey);
    $("keyform").hidden = true;
  });
})();
