'use strict';
// The event log, newest first. Kind and text are filtered by the daemon, the age here; every 2 s
// the page asks for records after the last one it knows and puts the matching ones on top.

const KINDS = ['start', 'stop', 'fault', 'recovery', 'mos', 'command', 'config', 'calibration', 'storage'];
const SINCE_MS = {hour: 3600e3, day: 86400e3, week: 7 * 86400e3, all: Infinity};
const LIMIT = 500;
// The list grows while the page stays open; beyond this the oldest rows go.
const MAX_ROWS = 1000;

let lastSeq = 0;
// Bumped by every filter change: an answer to an older query is dropped rather than shown.
let generation = 0;
let reloading = false;

/** The query for the current filters, or null when no kind is ticked (nothing can match). */
function filterQuery() {
  const kinds = KINDS.filter(kind => byId(`kind-${kind}`).checked);
  if (kinds.length === 0) return null;
  const query = new URLSearchParams({limit: LIMIT});
  if (kinds.length < KINDS.length) query.set('kind', kinds.join(','));
  const text = byId('search').value.trim();
  if (text) query.set('text', text);
  return query;
}

function isRecent(event) {
  return Date.now() - Date.parse(event.time) <= SINCE_MS[byId('since').value];
}

function eventRow(event) {
  return h('li', {class: 'event'},
      h('time', {datetime: event.time}, fmt.time(event.time)),
      h('span', {class: `tag kind kind-${event.kind}`}, event.kind),
      h('span', {class: 'text'}, event.text));
}

/** Puts events (oldest first, as the daemon sends them) on top of the list, newest first. */
function prepend(events) {
  const list = byId('events');
  list.prepend(...events.filter(isRecent).reverse().map(eventRow));
  while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
  const count = list.children.length;
  byId('events-empty').hidden = count > 0;
  setText('events-count', count ? `${count} ${count === 1 ? 'event' : 'events'}, newest first` : '');
}

async function reload() {
  const mine = ++generation;
  const query = filterQuery();
  // Starting from an empty list with lastSeq 0 means that if this request fails, the next poll
  // fetches the whole filtered list instead.
  byId('events').replaceChildren();
  lastSeq = 0;
  reloading = query !== null;
  if (!reloading) {
    prepend([]);
    return;
  }
  const {status, json} = await api('GET', `/api/events?${query}`);
  if (mine !== generation) return;
  reloading = false;
  showOffline(status === 0);
  if (status === 200) {
    lastSeq = json.last_seq;
    prepend(json.events);
  } else {
    setText('events-count', json.error);
  }
}

async function poll() {
  const query = filterQuery();
  if (reloading || query === null) return;
  const mine = generation;
  query.set('after', lastSeq);
  const {status, json} = await api('GET', `/api/events?${query}`);
  if (mine !== generation) return;
  showOffline(status === 0);
  if (status === 200) {
    lastSeq = json.last_seq;
    prepend(json.events);
  }
}

function setUpFilters() {
  byId('kinds').append(...KINDS.map(kind => h('label', {class: `chip kind-${kind}`},
      h('input', {type: 'checkbox', id: `kind-${kind}`, value: kind, checked: true}), ' ', kind)));
  byId('kinds').addEventListener('change', reload);
  byId('since').addEventListener('change', reload);
  let typing;
  byId('search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(reload, 300);
  });
}

setUpFilters();
reload().then(() => repeat(2000, poll));
