'use strict';
// Shared by every page: API calls, the login session, formatting, the nav and the "daemon not
// answering" banner. Plain globals on purpose: four small pages need no module system.

const TOKEN_KEY = 'pibms.csrf_token';
const DASH = '—';
// Fault units as the config keys spell them (trip_C, trip_pct), shown the usual way.
const FAULT_UNITS = {C: '°C', pct: '%'};
const REACTIONS = {charge: 'stops charging', discharge: 'stops discharging', both: 'stops both'};

// The CSRF token is kept in sessionStorage so that a reload in the same tab stays logged in; the
// cookie alone is not enough, every write must also carry the token as a header.
const session = {loggedIn: sessionStorage.getItem(TOKEN_KEY) !== null, writesEnabled: true};
const sessionListeners = [];

/** fetch() with the session; resolves to {status, json}, status 0 when the daemon cannot be reached. */
async function api(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (method !== 'GET' && token) headers['X-CSRF-Token'] = token;
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  let json;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return {status: 0, json: {ok: false, error: 'the daemon is not answering'}};
  }
  try {
    json = await response.json();
  } catch (e) {
    json = {ok: false, error: `HTTP ${response.status} without a JSON answer`};
  }
  // A wrong password concerns only the login form; anywhere else 401/403 means the session is gone.
  if ((response.status === 401 || response.status === 403) && path !== '/api/login') {
    setSession(false, null);
  }
  return {status: response.status, json};
}

function setSession(loggedIn, token, writesEnabled = session.writesEnabled) {
  session.loggedIn = loggedIn;
  session.writesEnabled = writesEnabled;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  sessionListeners.forEach(listener => listener(session));
}

/** Calls listener now and after every login, logout or lost session. */
function onSession(listener) {
  sessionListeners.push(listener);
  listener(session);
}

async function loadSession() {
  const {status, json} = await api('GET', '/api/session');
  if (status === 200) setSession(json.logged_in, json.logged_in ? json.csrf_token : null, json.writes_enabled);
}

/** Fills a page's #login-box with the login form, the logout button and the read-only note. */
function setUpLoginBox(box) {
  const password = h('input', {id: 'password', type: 'password', autocomplete: 'current-password'});
  const loginButton = h('button', {id: 'login', type: 'submit'}, 'Log in');
  const error = h('p', {id: 'login-error', class: 'error', role: 'alert'});
  // The hidden user name lets password managers file the password under this daemon.
  const form = h('form', {class: 'login'},
      h('input', {type: 'text', autocomplete: 'username', value: 'pibms', hidden: true}),
      h('label', {for: 'password'}, 'Password'), password, loginButton, error);
  const logoutButton = h('button', {id: 'logout', type: 'button', class: 'secondary'}, 'Log out');
  const loggedIn = h('div', {class: 'logged-in'}, h('span', {}, 'Logged in: changes are allowed.'), logoutButton);
  const readOnly = h('p', {class: 'read-only'},
      'Read-only: no web.password is configured, so nothing can be changed from this app.');
  box.append(h('h2', {}, 'Login'), form, loggedIn, readOnly);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    error.textContent = '';
    loginButton.disabled = true;
    const {status, json} = await api('POST', '/api/login', {password: password.value});
    loginButton.disabled = false;
    if (status === 200) {
      password.value = '';
      setSession(true, json.csrf_token, true);
    } else {
      if (status === 403) setSession(false, null, false);
      error.textContent = json.error || `login failed (HTTP ${status})`;
    }
  });
  logoutButton.addEventListener('click', async () => {
    await api('POST', '/api/logout');
    setSession(false, null);
  });
  onSession(s => {
    form.hidden = s.loggedIn || !s.writesEnabled;
    loggedIn.hidden = !s.loggedIn;
    readOnly.hidden = s.writesEnabled;
  });
}

/**
 * Runs task now and again intervalMs after each run ends, so a slow daemon never gets overlapping
 * requests; skips runs while the tab is hidden to spare the Pi.
 */
function repeat(intervalMs, task) {
  const run = async () => {
    try {
      if (!document.hidden) await task();
    } finally {
      setTimeout(run, intervalMs);
    }
  };
  run();
}

/** Shows or hides the banner; while shown, the .live parts keep their last values, greyed. */
function showOffline(offline) {
  byId('offline').hidden = !offline;
  document.body.classList.toggle('offline', offline);
}

/** Creates an element; strings among the children become text nodes, so data is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter(child => child !== null && child !== undefined && child !== false));
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

function setText(id, text, className) {
  const node = byId(id);
  node.textContent = text;
  if (className !== undefined) node.className = className;
}

/** Shows a daemon answer in an .answer element, green when ok and red when not. */
function showAnswer(id, text, ok) {
  const node = byId(id);
  node.textContent = text;
  node.classList.toggle('ok', ok);
  node.classList.toggle('error', !ok);
}

/** Writes exactly "on" or "off" (the browser test reads these) with a class for the colour. */
function showSwitch(id, on) {
  setText(id, on ? 'on' : 'off', on ? 'switch on' : 'switch off');
}

function isNumber(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

const fmt = {
  cellV: mV => (isNumber(mV) ? `${(mV / 1000).toFixed(3)} V` : DASH),
  packV: mV => (isNumber(mV) ? `${(mV / 1000).toFixed(2)} V` : DASH),
  amps(mA) {
    if (!isNumber(mA)) return DASH;
    const a = mA / 1000;
    return `${a.toFixed(Math.abs(a) < 10 ? 2 : 1)} A`;
  },
  watts: w => (isNumber(w) ? `${Math.round(w)} W` : DASH),
  celsius: c => (isNumber(c) ? `${c.toFixed(1)} °C` : DASH),
  pct: p => (isNumber(p) ? `${p.toFixed(1)} %` : DASH),
  /** Local time as 2026-11-24 08:43:23: sortable and the same in every locale. */
  time(t) {
    const d = new Date(t);
    if (Number.isNaN(d.getTime())) return DASH;
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${fmt.clock(d)}`;
  },
  clock: d => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`,
  words: id => (typeof id === 'string' ? id.replaceAll('_', ' ') : DASH),
};

function faultItem(fault) {
  const unit = FAULT_UNITS[fault.unit] ?? fault.unit;
  const details = [
    fault.source,
    unit && fault.value !== null ? `${fault.value} ${unit} (trips at ${fault.threshold} ${unit})` : null,
    unit && fault.value === null ? `trips at ${fault.threshold} ${unit}` : null,
    REACTIONS[fault.reaction],
    fault.state === 'locked_out' ? 'locked out: needs a fault reset' : null,
  ].filter(Boolean).join(' · ');
  return h('li', {class: `fault severity-${fault.severity}`},
      h('span', {class: 'tag'}, fault.severity), ' ', h('strong', {}, fmt.words(fault.id)),
      details ? h('span', {class: 'details'}, details) : null);
}

function showFaults(faults) {
  const items = (faults || []).map(faultItem);
  byId('faults').replaceChildren(...(items.length ? items : [h('li', {class: 'none'}, 'no faults')]));
}

function markCurrentPage() {
  const here = location.pathname.replace(/(index)?\.html$/, '');
  for (const link of document.querySelectorAll('header nav a')) {
    if (link.getAttribute('href') === here) link.setAttribute('aria-current', 'page');
  }
}

markCurrentPage();
document.querySelector('header').after(h('div', {id: 'offline', class: 'banner', role: 'status', hidden: true},
    'The daemon is not answering: the values shown are the last ones received.'));
if (byId('login-box')) setUpLoginBox(byId('login-box'));
loadSession();
