// parapet content script: finds chat messages and images on the page, has the extension's
// engine check them, and covers flagged ones (blur or hide) under a label with click-to-reveal.
//
// - Site rules (settings.sites) name the message elements of known chat sites; elsewhere a
//   generic fallback checks text blocks that appear or change after the page loaded.
// - A message whose text keeps growing (a streamed LLM answer) is checked as a stream: deltas go
//   to a StreamSession in the engine, so a harmful answer is covered while it is still being
//   written; the stream ends when the text stops changing for settings.streamIdleMs.
// - Images are covered as soon as they are seen and uncovered when they pass.
// - Failure policy: the page must keep working. If the engine cannot be reached or fails, the
//   content stays as it is (settings.onError 'show', default) or is covered with a
//   "could not check" label ('hide'); errors are logged once per kind to the console.
(() => {
  'use strict';
  if (window.__parapetContentScript) return;
  window.__parapetContentScript = true;

  const STATE = 'data-parapet';            // checking | ok | streaming | flagged | warned | revealed | pending | error
  const CATS = 'data-parapet-categories';  // triggered categories, highest score first
  const MODE = 'data-parapet-mode';        // blur | hide
  const LABEL = 'data-parapet-label';
  const BLOCK_TAGS = new Set(['P', 'DIV', 'LI', 'BLOCKQUOTE', 'PRE', 'TD', 'TH', 'ARTICLE', 'SECTION',
    'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'DD', 'DT', 'FIGCAPTION', 'MAIN', 'ASIDE', 'BODY']);
  const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'TEMPLATE', 'SVG', 'CANVAS']);
  const NAMES = {
    unsafe: 'unsafe content', violent_crimes: 'violent crimes', nonviolent_crimes: 'non-violent crimes',
    sex_crimes: 'sex crimes', child_sexual_exploitation: 'child sexual exploitation', defamation: 'defamation',
    specialized_advice: 'specialised advice', privacy: 'privacy', intellectual_property: 'intellectual property',
    indiscriminate_weapons: 'weapons', hate: 'hate', self_harm: 'self-harm', sexual_content: 'sexual content',
    elections: 'elections', code_interpreter_abuse: 'code abuse', harassment: 'harassment', prompt_attack: 'prompt attack',
  };
  const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
  const MIN_IMAGE_SIDE = 32;

  let settings = null;
  let rule = null;            // the site rule for this page, or null (generic fallback)
  let observer = null;
  let dead = false;           // the extension was reloaded or removed: stop quietly
  const states = new WeakMap();   // element → state object
  const tracked = new Set();      // elements with a state (pruned when detached)
  const scheduled = new Set();
  let scheduleTimer = null;
  let streamSeq = 0;
  const logged = new Set();

  function logOnce(kind, ...args) {
    if (logged.has(kind)) return;
    logged.add(kind);
    console.warn('[parapet]', ...args);
  }

  // ---- messaging -------------------------------------------------------------------------------
  async function send(msg) {
    if (dead) throw Object.assign(new Error('extension unavailable'), { name: 'LoadError', code: 'NO_EXTENSION' });
    let res;
    try {
      res = await chrome.runtime.sendMessage({ target: 'background', ...msg });
    } catch (e) {
      if (/context invalidated/i.test(String(e?.message))) { dead = true; stop(); }
      throw Object.assign(new Error(String(e?.message || e)), { name: 'LoadError', code: 'NO_EXTENSION' });
    }
    if (!res) throw Object.assign(new Error('no answer from the extension'), { name: 'LoadError', code: 'NO_ENGINE' });
    if (!res.ok) throw Object.assign(new Error(res.error.message), res.error);
    return res.result;
  }

  // At most two one-shot checks in flight from this page; the rest wait (stream pushes of one
  // message are serialised per message instead).
  let inFlight = 0;
  const waiting = [];
  async function limited(fn) {
    if (inFlight >= 2) await new Promise((r) => waiting.push(r));
    inFlight++;
    try { return await fn(); } finally {
      inFlight--;
      const next = waiting.shift();
      if (next) next();
    }
  }

  // ---- text of an element (without our labels) -------------------------------------------------
  function textOf(el) {
    let out = '';
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode(n) {
        if (n.nodeType === Node.ELEMENT_NODE) {
          if (n.hasAttribute(LABEL) || SKIP_TAGS.has(n.tagName.toUpperCase())) return NodeFilter.FILTER_REJECT;
          return NodeFilter.FILTER_SKIP;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    while (walker.nextNode()) out += walker.currentNode.data;
    return out.replace(/\s+/g, ' ').trim();
  }

  // ---- rules -----------------------------------------------------------------------------------
  function pickRule() {
    const host = location.hostname;
    for (const r of settings.sites || []) {
      if ((r.hosts || []).some((h) => host === h || host.endsWith(`.${h}`))) return r;
    }
    return null;
  }

  function safeMatches(el, sel) {
    try { return !!sel && el.matches(sel); } catch { logOnce(`sel:${sel}`, 'invalid selector', sel); return false; }
  }
  function safeClosest(el, sel) {
    try { return sel ? el.closest(sel) : null; } catch { logOnce(`sel:${sel}`, 'invalid selector', sel); return null; }
  }
  function safeQueryAll(root, sel) {
    try { return sel ? [...root.querySelectorAll(sel)] : []; } catch { logOnce(`sel:${sel}`, 'invalid selector', sel); return []; }
  }

  function isOurs(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return !!el && !!el.closest(`[${LABEL}]`);
  }

  function editable(el) {
    return el.isContentEditable || !!el.closest('[contenteditable=""], [contenteditable="true"]');
  }

  // The message element a changed node belongs to, or null.
  function messageFor(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    if (!el || isOurs(el)) return null;
    if (rule) return safeClosest(el, rule.message);
    if (!settings.generic) return null;
    // Generic fallback: the closest block-level ancestor of a text node.
    let b = el;
    while (b && !BLOCK_TAGS.has(b.tagName.toUpperCase())) b = b.parentElement;
    if (!b || b === document.body || b === document.documentElement || editable(b)) return null;
    if (SKIP_TAGS.has(b.tagName.toUpperCase())) return null;
    return b;
  }

  function roleOf(el) {
    if (!rule) return 'generic';
    return safeMatches(el, rule.user) ? 'user' : 'assistant';
  }

  function promptFor(el) {
    if (!rule || !rule.user) return '';
    let last = null;
    for (const u of safeQueryAll(document, rule.user)) {
      if (u !== el && (u.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) last = u;
    }
    return last ? textOf(last) : '';
  }

  function isStreaming(el) {
    return !!(rule && rule.streaming && (safeMatches(el, rule.streaming) || safeClosest(el, rule.streaming)))
      || el.getAttribute('aria-busy') === 'true';
  }

  // ---- covering --------------------------------------------------------------------------------
  function labelFor(el, st) {
    if (st.label && st.label.isConnected) return st.label;
    const label = document.createElement('span');
    label.setAttribute(LABEL, '');
    label.setAttribute('role', 'note');
    const text = document.createElement('span');
    text.setAttribute('data-parapet-label-text', '');
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('data-parapet-reveal', '');
    button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      st.revealed = !st.revealed;
      render(el, st);
    });
    label.append(text, ' ', button);
    if (st.kind === 'image') label.setAttribute('data-parapet-inline', '');
    el.before(label);
    st.label = label;
    return label;
  }

  function dropLabel(st) {
    if (st.label) st.label.remove();
    st.label = null;
  }

  function topCategory(v) {
    const hits = (v.categories || []).filter((c) => c.triggered).sort((a, b) => b.score - a.score);
    const specific = hits.filter((c) => c.id !== 'unsafe');
    return { hits, top: (specific[0] || hits[0]) || null };
  }

  // Renders st.outcome: 'checking' | 'ok' | 'flagged' | 'warned' | 'error' | 'pending'
  function render(el, st) {
    el.setAttribute(MODE, settings.mode === 'hide' ? 'hide' : 'blur');
    const out = st.outcome;
    if (out === 'flagged' || out === 'warned' || (out === 'error' && settings.onError === 'hide')) {
      const label = labelFor(el, st);
      const textEl = label.querySelector('[data-parapet-label-text]');
      const button = label.querySelector('[data-parapet-reveal]');
      let text;
      if (out === 'error') {
        text = 'parapet could not check this';
      } else {
        const { top } = topCategory(st.verdict);
        const name = top ? (NAMES[top.id] || top.id.replace(/_/g, ' ')) : 'flagged';
        text = `${out === 'warned' ? 'parapet warning' : 'Hidden by parapet'}: ${name}`;
        label.setAttribute('data-parapet-category', top ? top.id : '');
      }
      textEl.textContent = text;
      label.setAttribute('data-parapet-kind', out);
      if (out === 'warned') {
        button.hidden = true;
        el.setAttribute(STATE, 'warned');
      } else {
        button.hidden = false;
        button.textContent = st.revealed ? 'Hide' : 'Show';
        el.setAttribute(STATE, st.revealed ? 'revealed' : (out === 'error' ? 'error-hidden' : 'flagged'));
      }
    } else {
      dropLabel(st);
      el.setAttribute(STATE, out);
    }
    if (st.verdict) {
      el.setAttribute(CATS, topCategory(st.verdict).hits.map((c) => c.id).join(' '));
    } else {
      el.removeAttribute(CATS);
    }
  }

  function applyVerdict(el, st, v, interim) {
    // A stream push never uncovers: the session's final verdict decides.
    if (interim && !v.flagged && (st.outcome === 'flagged' || st.outcome === 'warned')) return;
    st.verdict = v;
    // A stream push reports how much of the answer was scored (StreamVerdict.checkedUtf16).
    if (interim && typeof v.checkedUtf16 === 'number') el.setAttribute('data-parapet-checked', String(v.checkedUtf16));
    else el.removeAttribute('data-parapet-checked');
    if (v.flagged) st.outcome = v.action === 'warn' ? 'warned' : 'flagged';
    else st.outcome = interim ? 'streaming' : 'ok';
    render(el, st);
  }

  function applyError(el, st, err) {
    logOnce(`err:${err.code}`, `check failed (${err.name} ${err.code}): ${err.message}`);
    st.verdict = null;
    st.outcome = 'error';
    el.setAttribute('data-parapet-error', `${err.name || 'Error'} ${err.code || ''}`.trim());
    render(el, st);
  }

  // ---- text checks -----------------------------------------------------------------------------
  function stateOf(el, kind) {
    let st = states.get(el);
    if (!st) {
      st = { kind, text: '', seq: 0, outcome: null, verdict: null, revealed: false, label: null,
             stream: null, idleTimer: null };
      states.set(el, st);
      tracked.add(el);
    }
    return st;
  }

  function schedule(el) {
    scheduled.add(el);
    if (!scheduleTimer) scheduleTimer = setTimeout(flush, 30);
  }

  function flush() {
    scheduleTimer = null;
    const els = [...scheduled];
    scheduled.clear();
    for (const el of els) {
      if (el.isConnected) updateText(el);
    }
  }

  function updateText(el) {
    const st = stateOf(el, 'text');
    const text = textOf(el);
    if (text === st.text && st.outcome) return;
    const role = roleOf(el);
    if (!rule && text.length < (settings.minChars || 0)) return;   // generic: too short (yet)
    if (!text) return;
    if (role !== 'user' && (st.stream || (st.outcome && text.startsWith(st.text) && text.length > st.text.length) || isStreaming(el))) {
      grow(el, st, text);
    } else {
      oneShot(el, st, text, role);
    }
  }

  function oneShot(el, st, text, role) {
    if (st.stream) abortStream(st);
    st.text = text;
    const seq = ++st.seq;
    if (!st.outcome) { st.outcome = 'checking'; render(el, st); }
    const prompt = role === 'assistant' ? promptFor(el) : null;
    limited(() => send({ type: 'check', text, prompt })).then(
      (v) => { if (seq === st.seq) applyVerdict(el, st, v, false); },
      (e) => { if (seq === st.seq) applyError(el, st, e); },
    );
  }

  // A growing message: push what was added since the last push to its stream session.
  function grow(el, st, text) {
    if (st.stream && !text.startsWith(st.stream.target)) {
      // Rewritten rather than extended: start over.
      abortStream(st);
    }
    if (st.stream && st.stream.ending) {
      // It grew again after a pause long enough to end its session: a new session takes the
      // whole text (the ending one's verdict is dropped, its session freed).
      const old = st.stream;
      st.stream = null;
      send({ type: 'stream-abort', id: old.id }).catch(() => {});
    }
    if (!st.stream) {
      const id = `s${++streamSeq}`;
      st.stream = { id, sent: '', target: text, queued: false, chain: Promise.resolve(), ending: false };
      st.seq++;
      const prompt = roleOf(el) === 'assistant' ? promptFor(el) : '';
      if (!st.outcome) { st.outcome = 'streaming'; render(el, st); }
      streamOp(el, st, () => send({ type: 'stream-start', id, prompt }));
    }
    st.stream.target = text;
    st.text = text;
    if (!st.stream.queued) {
      st.stream.queued = true;
      const s = st.stream;
      streamOp(el, st, async () => {
        s.queued = false;
        const delta = s.target.slice(s.sent.length);
        if (!delta) return;
        s.sent = s.target;
        const v = await send({ type: 'stream-push', id: s.id, delta });
        if (st.stream === s) applyVerdict(el, st, v, true);
      });
    }
    clearTimeout(st.idleTimer);
    st.idleTimer = setTimeout(() => maybeEnd(el, st), settings.streamIdleMs || 1200);
  }

  function maybeEnd(el, st) {
    if (!st.stream) return;
    if (el.isConnected && isStreaming(el)) {
      st.idleTimer = setTimeout(() => maybeEnd(el, st), settings.streamIdleMs || 1200);
      return;
    }
    const s = st.stream;
    if (s.ending) return;
    s.ending = true;
    streamOp(el, st, async () => {
      const delta = s.target.slice(s.sent.length);
      if (delta) { s.sent = s.target; await send({ type: 'stream-push', id: s.id, delta }); }
      const v = await send({ type: 'stream-end', id: s.id });
      if (st.stream === s) {
        st.stream = null;
        st.text = s.sent;
        applyVerdict(el, st, v, false);
      }
    });
  }

  function streamOp(el, st, fn) {
    const s = st.stream;
    s.chain = s.chain.then(() => (st.stream === s ? fn() : null)).catch((e) => {
      if (st.stream === s) {
        st.stream = null;
        send({ type: 'stream-abort', id: s.id }).catch(() => {});
        applyError(el, st, e);
      }
    });
  }

  function abortStream(st) {
    const s = st.stream;
    st.stream = null;
    clearTimeout(st.idleTimer);
    if (s) send({ type: 'stream-abort', id: s.id }).catch(() => {});
  }

  // ---- images ----------------------------------------------------------------------------------
  function toBase64(bytes) {
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }

  function watchImage(img) {
    if (!settings.checkImages) return;
    const st = stateOf(img, 'image');
    const src = img.currentSrc || img.src;
    if (!src) return;
    if (st.src === src && st.outcome) return;
    st.src = src;
    const seq = ++st.seq;
    st.outcome = 'pending';
    st.verdict = null;
    render(img, st);          // covered until it passes
    const go = () => { if (seq === st.seq) checkImage(img, st, seq); };
    if (img.complete && img.naturalWidth > 0) go();
    else {
      img.addEventListener('load', go, { once: true });
      img.addEventListener('error', () => {
        if (seq !== st.seq) return;
        st.outcome = 'ok';   // nothing is shown for a broken image anyway
        img.setAttribute('data-parapet-error', 'broken image');
        render(img, st);
      }, { once: true });
    }
  }

  async function checkImage(img, st, seq) {
    if (img.naturalWidth < MIN_IMAGE_SIDE || img.naturalHeight < MIN_IMAGE_SIDE) {
      st.outcome = 'ok';      // icons, avatars, emoji
      render(img, st);
      return;
    }
    const src = st.src;
    try {
      const v = await limited(async () => {
        let req;
        try {
          // Same-origin, data: and blob: images (and CORS-enabled ones) are read here, with the
          // page's credentials; otherwise the extension fetches the URL (it has host access).
          const res = await fetch(src);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const buf = new Uint8Array(await res.arrayBuffer());
          if (buf.length > MAX_IMAGE_BYTES) throw Object.assign(new Error('image too large'), { name: 'InputError', code: 'TOO_LARGE' });
          req = { type: 'check-image', base64: toBase64(buf) };
        } catch (e) {
          if (e.code === 'TOO_LARGE') throw e;
          req = { type: 'check-image', url: src };
        }
        return send(req);
      });
      if (seq === st.seq) applyVerdict(img, st, v, false);
    } catch (e) {
      if (seq === st.seq) applyError(img, st, e);
    }
  }

  function imagesIn(root) {
    if (!settings.checkImages) return [];
    const imgs = root.nodeType === Node.ELEMENT_NODE && root.tagName === 'IMG' ? [root] : safeQueryAll(root, 'img');
    if (!rule) return imgs.filter((i) => !isOurs(i));
    return imgs.filter((i) => { const m = safeClosest(i, rule.message); return m && safeMatches(i, rule.images || 'img'); });
  }

  // ---- discovery -------------------------------------------------------------------------------
  function onMutations(records) {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.tagName === 'IMG' && imagesIn(r.target).length) watchImage(r.target);
        continue;
      }
      if (isOurs(r.target)) continue;
      if (r.type === 'characterData') {
        const m = messageFor(r.target);
        if (m) schedule(m);
        continue;
      }
      // childList. Site rule: the target may be (inside) a message that grew. Generic: only
      // added text decides (a chat log container gaining a message is not itself a message).
      if (rule) {
        const m = messageFor(r.target);
        if (m && r.addedNodes.length) schedule(m);
      }
      for (const n of r.addedNodes) {
        if (n.nodeType === Node.TEXT_NODE) {
          if (!rule && n.data.trim()) { const m = messageFor(n); if (m) schedule(m); }
          continue;
        }
        if (n.nodeType !== Node.ELEMENT_NODE || isOurs(n)) continue;
        scanSubtree(n);
      }
      // Removed text (a message rewritten in place) in the generic mode
      if (!rule && r.removedNodes.length && !r.addedNodes.length) {
        const m = messageFor(r.target);
        if (m && states.has(m)) schedule(m);
      }
    }
    pruneDetached();
  }

  function scanSubtree(root) {
    if (rule) {
      for (const el of [root, ...safeQueryAll(root, rule.message)]) {
        if (el === root && !safeMatches(el, rule.message)) continue;
        schedule(el);
      }
      const m = safeClosest(root, rule.message);
      if (m) schedule(m);
    } else if (settings.generic) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let n = 0;
      while (walker.nextNode() && n < 500) {
        if (!walker.currentNode.data.trim()) continue;
        const m = messageFor(walker.currentNode);
        if (m) { schedule(m); n++; }
      }
    }
    for (const img of imagesIn(root)) watchImage(img);
  }

  let pruneCount = 0;
  function pruneDetached() {
    if (++pruneCount % 50) return;
    for (const el of tracked) {
      if (!el.isConnected) {
        const st = states.get(el);
        if (st?.stream) abortStream(st);
        tracked.delete(el);
      }
    }
  }

  function recheckAll() {
    for (const el of [...tracked]) {
      if (!el.isConnected) { tracked.delete(el); continue; }
      const st = states.get(el);
      if (!st) continue;
      if (st.kind === 'image') { st.src = null; watchImage(el); continue; }
      if (st.stream) continue;   // its end() will use the new policy
      st.text = '';
      st.outcome = st.outcome || null;
      updateTextForce(el, st);
    }
  }

  function updateTextForce(el, st) {
    const text = textOf(el);
    if (!text) return;
    oneShot(el, st, text, roleOf(el));
  }

  function uncoverAll() {
    for (const el of tracked) {
      const st = states.get(el);
      if (st?.stream) abortStream(st);
      if (st) dropLabel(st);
      el.removeAttribute(STATE);
      el.removeAttribute(CATS);
      el.removeAttribute(MODE);
      states.delete(el);
    }
    tracked.clear();
  }

  function stop() {
    if (observer) observer.disconnect();
    observer = null;
  }

  function startObserving() {
    stop();
    rule = pickRule();
    document.documentElement.setAttribute('data-parapet-active', rule ? `site:${rule.name}` : (settings.generic ? 'generic' : 'off'));
    observer = new MutationObserver((records) => {
      try { onMutations(records); } catch (e) { logOnce(`mut:${e?.message}`, 'error while scanning the page:', e); }
    });
    observer.observe(document.documentElement, {
      childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['src', 'srcset'],
    });
    if (rule) {
      try { scanSubtree(document.body || document.documentElement); } catch (e) { logOnce('scan', 'error while scanning the page:', e); }
    }
  }

  async function start() {
    try {
      settings = await send({ type: 'get-settings' });
    } catch (e) {
      logOnce('settings', 'extension unavailable, page not screened:', e.message);
      return;
    }
    if (settings.enabled) startObserving();
  }

  chrome.storage.onChanged.addListener(async (changes, area) => {
    if (area !== 'local' || dead) return;
    if (changes.settings) {
      const before = settings;
      try { settings = await send({ type: 'get-settings' }); } catch { return; }
      if (!settings.enabled) {
        stop();
        uncoverAll();
        document.documentElement.removeAttribute('data-parapet-active');
        return;
      }
      // Display changes (mode, onError) apply to what is already covered.
      for (const el of tracked) { const st = states.get(el); if (st?.outcome) render(el, st); }
      if (!observer || JSON.stringify(pickRule()) !== JSON.stringify(rule) || before?.generic !== settings.generic || before?.checkImages !== settings.checkImages) {
        startObserving();
      }
    } else if (changes.policyVersion && settings?.enabled) {
      recheckAll();
    }
  });

  start();
})();
