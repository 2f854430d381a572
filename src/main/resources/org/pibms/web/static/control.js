'use strict';
// The control page: one button per daemon command, the daemon's answers, and the live state the
// commands change.

// Button id -> what the history calls it and the body POSTed to /api/commands.
const COMMANDS = {
  'mos-charge-on': ['charge MOS on', {type: 'mos', path: 'charge', on: true}],
  'mos-charge-off': ['charge MOS off', {type: 'mos', path: 'charge', on: false}],
  'mos-discharge-on': ['discharge MOS on', {type: 'mos', path: 'discharge', on: true}],
  'mos-discharge-off': ['discharge MOS off', {type: 'mos', path: 'discharge', on: false}],
  'fault-reset': ['fault reset', {type: 'fault_reset'}],
  'balance-on': ['balancing on', {type: 'balance', command: 'on'}],
  'balance-off': ['balancing off', {type: 'balance', command: 'off'}],
  'balance-auto': ['balancing auto', {type: 'balance', command: 'auto'}],
};
const HISTORY_LENGTH = 8;

const buttons = Object.keys(COMMANDS).map(byId);
let sending = false;

function enableButtons() {
  buttons.forEach(button => {
    button.disabled = sending || !session.loggedIn;
  });
}

function record(label, text, ok) {
  showAnswer('answer', text, ok);
  const history = byId('history');
  history.prepend(h('li', {class: ok ? 'ok' : 'error'},
      h('time', {}, fmt.clock(new Date())), ' ', h('strong', {}, label), ': ', text));
  while (history.children.length > HISTORY_LENGTH) history.lastElementChild.remove();
}

async function send(id) {
  const [label, body] = COMMANDS[id];
  sending = true;
  enableButtons();
  const {status, json} = await api('POST', '/api/commands', body);
  sending = false;
  enableButtons();
  const ok = status === 200;
  record(label, (ok ? json.message : json.error) || `HTTP ${status}`, ok);
}

function render(status) {
  showSwitch('charge-mos', status.charge_mos);
  showSwitch('discharge-mos', status.discharge_mos);
  const held = status.manual_off || [];
  setText('charge-held', held.includes('charge') ? 'Held off by command.' : '');
  setText('discharge-held', held.includes('discharge') ? 'Held off by command.' : '');
  const command = status.balancing?.command || DASH;
  setText('bal-command', command, `switch ${command}`);
  const activity = fmt.words(status.balancing?.activity);
  setText('bal-activity', status.balancing?.reason ? `${activity}: ${status.balancing.reason}` : activity);
  setText('state', status.state || DASH, `state state-${status.state}`);
  showFaults(status.faults);
}

buttons.forEach(button => button.addEventListener('click', () => send(button.id)));
onSession(enableButtons);
repeat(1000, async () => {
  const {status, json} = await api('GET', '/api/status');
  showOffline(status !== 200);
  if (status === 200) render(json);
});
