// Options page: edits the constitution (preset, per-category enabled/threshold/action, custom
// categories, or the raw JSON) and the display settings. The constitution is validated by the
// engine (via the service worker) before it is stored; the service worker stores it and open
// pages re-check what they show.
import { DEFAULT_SETTINGS, mergeSettings } from './settings.js';

const $ = (sel) => document.querySelector(sel);
let constitution = { preset: 'balanced' };   // what will be saved
let resolved = [];                            // engine's categories() for the current constitution

async function send(msg) {
  const res = await chrome.runtime.sendMessage({ target: 'background', ...msg });
  if (!res) throw new Error('no answer from the extension');
  if (!res.ok) throw Object.assign(new Error(res.error.message), res.error);
  return res.result;
}

function status(el, text, ok) {
  el.textContent = text;
  el.className = ok ? 'ok' : 'error';
}

function describeError(e) {
  return `${e.name || 'Error'}${e.code ? ` ${e.code}` : ''}${e.path ? ` at ${e.path}` : ''}: ${e.message}`;
}

// ---- categories table ---------------------------------------------------------------------------
function override(id) {
  constitution.categories ??= {};
  constitution.categories[id] ??= {};
  return constitution.categories[id];
}

function renderCategories() {
  const customIds = new Set((constitution.custom_categories || []).map((c) => c.id));
  const tbody = $('#categories tbody');
  tbody.textContent = '';
  for (const c of resolved) {
    if (customIds.has(c.id)) continue;   // edited below, with its examples
    const tr = document.createElement('tr');
    tr.dataset.category = c.id;
    if (constitution.categories?.[c.id]) tr.className = 'overridden';
    const on = document.createElement('input');
    on.type = 'checkbox';
    on.className = 'enabled';
    on.checked = c.enabled;
    on.addEventListener('change', () => { override(c.id).enabled = on.checked; tr.className = 'overridden'; });
    const th = document.createElement('input');
    th.type = 'number';
    th.className = 'threshold';
    th.min = '0'; th.max = '1'; th.step = '0.01';
    th.value = String(Math.round(c.threshold * 1000) / 1000);
    th.addEventListener('change', () => {
      const v = Number(th.value);
      if (th.value !== '' && Number.isFinite(v)) { override(c.id).threshold = v; tr.className = 'overridden'; }
    });
    const act = document.createElement('select');
    act.className = 'action';
    for (const a of ['block', 'redact', 'warn', 'allow']) act.append(new Option(a, a, false, a === c.action));
    act.addEventListener('change', () => { override(c.id).action = act.value; tr.className = 'overridden'; });
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.textContent = 'default';
    reset.title = 'Use the preset\'s setting for this category';
    reset.addEventListener('click', async () => {
      delete constitution.categories?.[c.id];
      if (constitution.categories && !Object.keys(constitution.categories).length) delete constitution.categories;
      await savePolicy();
    });
    const cells = [on, null, th, act, null, reset];
    const texts = [null, `${c.id}${c.description ? ` — ${c.description}` : ''}`, null, null, c.source ?? 'unscored', null];
    for (let i = 0; i < cells.length; i++) {
      const td = document.createElement('td');
      if (cells[i]) td.append(cells[i]); else td.textContent = texts[i];
      tr.append(td);
    }
    tbody.append(tr);
  }
}

// ---- custom categories --------------------------------------------------------------------------
function lines(text) {
  return text.split('\n').map((s) => s.trim()).filter(Boolean);
}

function renderCustoms() {
  const box = $('#customs');
  box.textContent = '';
  (constitution.custom_categories || []).forEach((c, i) => box.append(customEditor(c, i)));
}

function customEditor(c, i) {
  const div = document.createElement('div');
  div.className = 'custom';
  div.dataset.index = String(i);
  const field = (labelText, el) => { const l = document.createElement('label'); l.append(labelText, ' ', el); div.append(l); return el; };
  const input = (cls, value, type = 'text') => { const el = document.createElement('input'); el.type = type; el.className = cls; el.value = value ?? ''; return el; };
  const area = (cls, value) => { const el = document.createElement('textarea'); el.className = cls; el.rows = 5; el.value = (value || []).join('\n'); return el; };
  const id = field('id', input('c-id', c.id));
  const desc = field('description', input('c-description', c.description));
  const ex = field('examples (one per line)', area('c-examples', c.examples));
  const cex = field('counterexamples (optional, one per line)', area('c-counter', c.counterexamples));
  const th = field('threshold (empty: preset default)', input('c-threshold', c.threshold ?? '', 'number'));
  th.min = '0'; th.max = '1'; th.step = '0.01';
  const act = document.createElement('select');
  act.className = 'c-action';
  for (const a of ['block', 'redact', 'warn', 'allow']) act.append(new Option(a, a, false, a === (c.action || 'block')));
  field('action', act);
  const sync = () => {
    const out = { id: id.value.trim(), description: desc.value.trim(), examples: lines(ex.value), action: act.value };
    const counter = lines(cex.value);
    if (counter.length) out.counterexamples = counter;
    if (th.value !== '') out.threshold = Number(th.value);
    for (const k of ['applies_to', 'enabled']) if (c[k] !== undefined) out[k] = c[k];
    constitution.custom_categories[i] = out;
  };
  for (const el of [id, desc, ex, cex, th, act]) el.addEventListener('input', sync);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'c-remove';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => {
    constitution.custom_categories.splice(i, 1);
    if (!constitution.custom_categories.length) delete constitution.custom_categories;
    renderAll();
  });
  div.append(remove);
  return div;
}

// ---- whole page -----------------------------------------------------------------------------------
function renderAll() {
  $('#preset').value = constitution.preset || 'balanced';
  renderCategories();
  renderCustoms();
  $('#json').value = JSON.stringify(constitution, null, 2);
}

async function loadPolicy() {
  const p = await send({ type: 'policy' });
  constitution = p.constitution || { preset: 'balanced' };
  resolved = p.categories;
  const info = p.info;
  $('#engine-info').textContent = `Model: ${info.name} ${info.version} (${info.heads?.length ?? '?'} heads); loaded in ${p.stats?.textLoadMs ?? '?'} ms.`
    + (p.constitutionError ? ` The stored constitution was rejected (${describeError(p.constitutionError)}); the default is in use.` : '');
  renderAll();
}

async function savePolicy() {
  const st = $('#policy-status');
  status(st, 'Saving…', true);
  try {
    const r = await send({ type: 'set-constitution', constitution });
    resolved = r.categories;
    renderAll();
    status(st, 'Saved: applied to open pages.', true);
  } catch (e) {
    status(st, describeError(e), false);
  }
}

// ---- display settings -----------------------------------------------------------------------------
function validateSites(sites) {
  if (!Array.isArray(sites)) throw new Error('site rules must be a JSON array');
  sites.forEach((r, i) => {
    if (!r || typeof r !== 'object') throw new Error(`sites[${i}] must be an object`);
    if (!Array.isArray(r.hosts) || !r.hosts.every((h) => typeof h === 'string' && h)) throw new Error(`sites[${i}].hosts must be a list of host names`);
    for (const k of ['message', 'user', 'streaming', 'images']) {
      if (r[k] === undefined) continue;
      if (typeof r[k] !== 'string') throw new Error(`sites[${i}].${k} must be a CSS selector string`);
      try { document.createDocumentFragment().querySelector(r[k]); } catch { throw new Error(`sites[${i}].${k} is not a valid CSS selector: ${r[k]}`); }
    }
    if (!r.message) throw new Error(`sites[${i}].message (the selector of chat messages) is required`);
  });
}

function showSettings(s) {
  $('#enabled').checked = s.enabled;
  $('#mode').value = s.mode;
  $('#onError').value = s.onError;
  $('#checkImages').checked = s.checkImages;
  $('#generic').checked = s.generic;
  $('#sites').value = JSON.stringify(s.sites, null, 2);
}

async function saveSettings() {
  const st = $('#settings-status');
  let sites;
  try {
    sites = JSON.parse($('#sites').value);
    validateSites(sites);
  } catch (e) {
    status(st, e.message, false);
    return;
  }
  const { settings: stored } = await chrome.storage.local.get('settings');
  const s = { ...mergeSettings(stored), enabled: $('#enabled').checked, mode: $('#mode').value, onError: $('#onError').value,
    checkImages: $('#checkImages').checked, generic: $('#generic').checked, sites };
  await chrome.storage.local.set({ settings: s });
  status(st, 'Saved: applied to open pages.', true);
}

// ---- wiring ---------------------------------------------------------------------------------------
$('#preset').addEventListener('change', () => { constitution.preset = $('#preset').value; savePolicy(); });
$('#add-custom').addEventListener('click', () => {
  constitution.custom_categories ??= [];
  constitution.custom_categories.push({ id: '', description: '', examples: [], action: 'block' });
  renderAll();
});
$('#apply-json').addEventListener('click', () => {
  try {
    constitution = JSON.parse($('#json').value);
    renderAll();
    savePolicy();
  } catch (e) {
    status($('#policy-status'), `invalid JSON: ${e.message}`, false);
  }
});
$('#save-policy').addEventListener('click', savePolicy);
$('#reset-policy').addEventListener('click', () => { constitution = { preset: 'balanced' }; savePolicy(); });
$('#save-settings').addEventListener('click', saveSettings);
$('#reset-settings').addEventListener('click', async () => {
  await chrome.storage.local.set({ settings: DEFAULT_SETTINGS });
  showSettings(DEFAULT_SETTINGS);
  status($('#settings-status'), 'Defaults restored.', true);
});

(async () => {
  const { settings } = await chrome.storage.local.get('settings');
  showSettings(mergeSettings(settings));
  try {
    await loadPolicy();
    document.body.dataset.ready = 'true';
  } catch (e) {
    $('#engine-info').textContent = `The guard model could not be loaded: ${describeError(e)}`;
    $('#engine-info').className = 'error';
    document.body.dataset.ready = 'error';
  }
})();
