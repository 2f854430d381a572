'use strict';
// The settings page: every config key, grouped by its first segment in collapsible sections; the
// editable (protection) rows get inputs, and Save sends only what changed.

// Full key -> {input, error, setting} for every editable row on screen.
const editors = new Map();

function groupOf(key) {
  return key.match(/^[^.[]+/)[0];
}

function display(value) {
  if (value === null || value === undefined) return DASH;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * An input of the setting's type as the daemon describes it: a checkbox, a list of its choices, a
 * number field that takes whole numbers only where the key does; text for anything else.
 */
function inputFor({key, value, type, choices}, id) {
  const attrs = {id, 'data-key': key};
  if (type === 'choice') {
    return h('select', attrs, ...choices.map(choice => h('option', {value: choice, selected: choice === value}, choice)));
  }
  if (typeof value === 'boolean') return h('input', {...attrs, type: 'checkbox', checked: value});
  if (typeof value === 'number') {
    return h('input', {...attrs, type: 'number', step: type === 'integer' ? '1' : 'any', value});
  }
  return h('input', {...attrs, type: 'text', value: value ?? ''});
}

/** The input's value as the JSON type the key has now: NaN marks a number field that holds none. */
function readEditor({input, setting}) {
  if (input.type === 'checkbox') return input.checked;
  if (input.type === 'number') return input.value.trim() === '' ? NaN : Number(input.value);
  // An unset key has no type to copy: a number-looking entry is sent as a number.
  if (setting.value === null) {
    const text = input.value.trim();
    return text === '' ? null : Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return input.value;
}

function isChanged(editor) {
  return !Object.is(readEditor(editor), editor.setting.value);
}

function settingRow(setting, group) {
  const name = setting.key.slice(group.length).replace(/^\./, '');
  const badges = h('span', {class: 'badges'},
      setting.source === 'default' ? h('span', {class: 'tag default'}, 'default') : null,
      'config_value' in setting && setting.config_value !== setting.value
        ? h('span', {class: 'tag file'}, `file: ${display(setting.config_value)}`) : null);
  if (!setting.editable) {
    return h('div', {class: 'setting'}, h('code', {class: 'key'}, name),
        h('span', {class: 'value'}, display(setting.value)), badges);
  }
  const id = `setting-${setting.key}`;
  const editor = {input: inputFor(setting, id), error: h('span', {class: 'field-error', role: 'alert'}), setting};
  editors.set(setting.key, editor);
  const row = h('div', {class: 'setting editable'}, h('label', {class: 'key', for: id}, name),
      h('span', {class: 'value'}, editor.input,
          setting.unit ? h('span', {class: 'unit'}, FAULT_UNITS[setting.unit] ?? setting.unit) : null,
          editor.error), badges);
  editor.input.addEventListener('input', () => row.classList.toggle('changed', isChanged(editor)));
  return row;
}

function groupSection(group, settings, open) {
  const editable = settings.filter(s => s.editable).length;
  const count = `${settings.length} ${settings.length === 1 ? 'key' : 'keys'}` + (editable ? `, ${editable} editable` : '');
  return h('details', {'data-group': group, open},
      h('summary', {}, h('span', {class: 'group'}, group), ' ', h('span', {class: 'muted'}, count)),
      h('div', {class: 'rows'}, ...settings.map(s => settingRow(s, group))));
}

function render(settings) {
  const groups = new Map();
  for (const setting of settings) {
    const group = groupOf(setting.key);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(setting);
  }
  // A reload after saving keeps the sections the user opened; the first view opens the editable ones.
  const shown = document.querySelectorAll('#settings details');
  const opened = new Set([...shown].filter(d => d.open).map(d => d.dataset.group));
  editors.clear();
  byId('settings').replaceChildren(...[...groups].map(([group, rows]) =>
    groupSection(group, rows, shown.length ? opened.has(group) : rows.some(s => s.editable))));
}

async function loadSettings() {
  const {status, json} = await api('GET', '/api/settings');
  showOffline(status === 0);
  if (status === 200) render(json.settings);
  else showAnswer('settings-answer', json.error, false);
}

function showFieldError(key, message) {
  editors.get(key).error.textContent = message;
}

async function save() {
  document.querySelectorAll('#settings .field-error').forEach(e => { e.textContent = ''; });
  const changes = {};
  let invalid = false;
  for (const [key, editor] of editors) {
    if (!isChanged(editor)) continue;
    const value = readEditor(editor);
    if (Number.isNaN(value)) {
      showFieldError(key, 'enter a number');
      invalid = true;
    }
    changes[key] = value;
  }
  if (invalid || Object.keys(changes).length === 0) {
    showAnswer('settings-answer', invalid ? 'Some fields are not valid: nothing was saved.' : 'Nothing changed.', !invalid);
    return;
  }

  byId('save').disabled = true;
  const {status, json} = await api('PUT', '/api/settings', changes);
  byId('save').disabled = !session.loggedIn;
  if (status === 200) {
    // The answer comes after the reload has redrawn the fields, so nothing typed once the answer
    // is visible can be wiped by the redraw.
    await loadSettings();
    showAnswer('settings-answer', json.message || 'Saved.', true);
    return;
  }
  // Errors for keys that have no field here still need to be seen: they go into the general answer.
  const unplaced = [];
  for (const [key, message] of Object.entries(json.errors || {})) {
    if (editors.has(key)) showFieldError(key, message);
    else unplaced.push(`${key}: ${message}`);
  }
  showAnswer('settings-answer', [json.error || `HTTP ${status}`, ...unplaced].join(' '), false);
}

byId('save').addEventListener('click', save);
onSession(s => {
  byId('save').disabled = !s.loggedIn;
  byId('save-hint').hidden = s.loggedIn;
});
loadSettings();
