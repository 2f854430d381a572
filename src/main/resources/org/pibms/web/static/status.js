'use strict';
// The live status page: polls /api/status every second and redraws everything from the answer.

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART = {height: 260, left: 44, right: 6, top: 40, bottom: 22};
// A current this small is the shunt's noise, not charging or discharging.
const IDLE_MA = 100;

let lastStatus = null;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * The y range: from 2.5 V (or lower if a cell is) to just above the highest cell, so bar heights
 * stay honest (a 5 mV spread does not look like a full-scale one); the colours mark min and max.
 */
function axisRange(lowestMv, highestMv) {
  const low = Math.min(2500, lowestMv - 50);
  const high = highestMv + 50;
  const step = [50, 100, 250, 500, 1000].find(s => (high - low) / s <= 5) || 2000;
  return {lo: Math.floor(low / step) * step, hi: Math.ceil(high / step) * step, step};
}

function gridNodes({y, lo, hi, step, width}) {
  const nodes = [svg('text', {class: 'tick', x: 2, y: 12}, 'V')];
  for (let mV = lo; mV <= hi; mV += step) {
    nodes.push(svg('line', {class: 'grid', x1: CHART.left, x2: width - CHART.right, y1: y(mV), y2: y(mV)}),
        svg('text', {class: 'tick', x: CHART.left - 6, y: y(mV), 'text-anchor': 'end', 'dominant-baseline': 'middle'},
            (mV / 1000).toFixed(2)));
  }
  return nodes;
}

/** The bar of cell n (1-based) with its overlay and labels; mark is 'min', 'max' or null. */
function cellNodes(n, mV, mark, bleedMa, {y, lo, slot, barWidth, indexEvery}) {
  const x = CHART.left + (n - 1) * slot + (slot - barWidth) / 2;
  const middle = x + barWidth / 2;
  const top = y(mV);
  const height = y(lo) - top;
  const bleeding = bleedMa !== undefined;
  const title = `cell ${n}: ${fmt.cellV(mV)}` + (bleeding ? `, balancing ${bleedMa} mA` : '');
  const classes = ['cell', mark, bleeding ? 'balancing' : null].filter(Boolean).join(' ');
  const nodes = [svg('rect', {class: classes, 'data-cell': n, x, y: top, width: barWidth, height}, svg('title', {}, title))];
  if (bleeding) {
    // The fill is an attribute, not CSS: url(#stripes) in app.css would point into app.css.
    nodes.push(svg('rect', {class: 'bleed', fill: 'url(#stripes)', x, y: top, width: barWidth, height}));
  }
  // The value above the bar when it fits, turned upright inside a narrow bar, else left out.
  const above = barWidth >= 30;
  if (above) {
    nodes.push(svg('text', {class: 'value', x: middle, y: top - 4, 'text-anchor': 'middle'}, mV));
  } else if (barWidth >= 11 && height >= 36) {
    nodes.push(svg('text', {class: 'value inside', 'text-anchor': 'end', 'dominant-baseline': 'central',
      transform: `translate(${middle} ${top + 4}) rotate(-90)`}, mV));
  }
  if (mark) {
    // Over narrow bars the max mark sits higher, so neighbouring min and max marks cannot overlap.
    const lift = above ? 18 : mark === 'max' ? 16 : 4;
    nodes.push(svg('text', {class: `mark ${mark}`, x: middle, y: top - lift, 'text-anchor': 'middle'}, mark));
  }
  if ((n - 1) % indexEvery === 0) {
    nodes.push(svg('text', {class: 'index', x: middle, y: CHART.height - 6, 'text-anchor': 'middle'}, n));
  }
  return nodes;
}

function drawCells(status) {
  const chart = byId('cells');
  const cells = status.cells_mV;
  const valid = Array.isArray(cells) && cells.length > 0;
  byId('cell-chart').hidden = !valid;
  byId('cells-note').hidden = valid;
  if (!valid) {
    chart.replaceChildren();
    return;
  }
  // Drawn at the real pixel width so text keeps its size on a phone and on a laptop.
  const width = Math.max(chart.getBoundingClientRect().width, 200);
  chart.setAttribute('viewBox', `0 0 ${width} ${CHART.height}`);
  const {lo, hi, step} = axisRange(Math.min(...cells), Math.max(...cells));
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = (width - CHART.left - CHART.right) / cells.length;
  const geometry = {
    lo, hi, step, width, slot,
    y: mV => CHART.top + (hi - Math.max(mV, lo)) / (hi - lo) * plotHeight,
    barWidth: Math.max(slot * 0.72, 1),
    indexEvery: Math.ceil(18 / slot),
  };
  const bleeding = new Map((status.balancing?.cells || []).map(c => [c.cell, c.current_mA]));
  const stripes = svg('defs', {}, svg('pattern', {id: 'stripes', width: 6, height: 6,
    patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)'}, svg('rect', {class: 'stripe', width: 3, height: 6})));
  const bars = cells.flatMap((mV, i) => {
    const n = i + 1;
    const mark = n === status.cell_min ? 'min' : n === status.cell_max ? 'max' : null;
    return cellNodes(n, mV, mark, bleeding.get(n), geometry);
  });
  chart.replaceChildren(stripes, ...gridNodes(geometry), ...bars);
}

function showPack(status) {
  const state = status.state || 'unknown';
  setText('state', state, `state state-${state}`);
  setText('soc', fmt.pct(status.soc_pct));
  const uncertainty = status.soc?.uncertainty_pct;
  setText('soc-uncertainty', isNumber(uncertainty) ? `± ${uncertainty.toFixed(1)} %` : '');
  byId('soc-bar').style.width = `${Math.min(Math.max(status.soc_pct || 0, 0), 100)}%`;
  setText('pack-v', fmt.packV(status.pack_mV));
  const mA = status.current_mA;
  setText('current', fmt.amps(mA));
  const direction = !isNumber(mA) ? '' : mA > IDLE_MA ? 'charging' : mA < -IDLE_MA ? 'discharging' : 'idle';
  setText('direction', direction, `direction ${direction}`);
  const watts = isNumber(mA) && isNumber(status.pack_mV) ? status.pack_mV * mA / 1e6 : null;
  setText('power', fmt.watts(watts));
}

function showTemperatures(temps) {
  const rows = Object.entries(temps || {}).flatMap(([name, celsius]) => [
    h('dt', {}, name),
    isNumber(celsius) ? h('dd', {}, fmt.celsius(celsius))
        : h('dd', {class: 'missing'}, DASH, ' ', h('span', {class: 'tag'}, 'no reading')),
  ]);
  byId('temps').replaceChildren(...rows);
}

function showCellSummary(status) {
  const valid = Array.isArray(status.cells_mV);
  setText('cell-min', valid ? `${fmt.cellV(status.cell_min_mV)} (cell ${status.cell_min})` : DASH);
  setText('cell-max', valid ? `${fmt.cellV(status.cell_max_mV)} (cell ${status.cell_max})` : DASH);
  setText('cell-delta', valid ? `${status.cell_delta_mV} mV` : DASH);
}

function showSwitches(status) {
  showSwitch('charge-mos', status.charge_mos);
  showSwitch('discharge-mos', status.discharge_mos);
  setText('precharging', status.precharging ? 'yes' : 'no');
  setText('manual-off', status.manual_off?.length ? status.manual_off.join(', ') : 'none');
}

function showLimits(status) {
  setText('cvl', fmt.packV(status.cvl_mV));
  setText('ccl', fmt.amps(status.ccl_mA));
  setText('dcl', fmt.amps(status.dcl_mA));
  setText('charge-phase', status.charge_phase || DASH);
}

function showBalancing(balancing) {
  setText('bal-command', balancing?.command || DASH);
  setText('bal-activity', fmt.words(balancing?.activity));
  setText('bal-reason', balancing?.reason || DASH);
  const cells = balancing?.cells || [];
  setText('bal-cells', cells.length ? cells.map(c => `${c.cell} (${c.current_mA} mA)`).join(', ') : 'none');
}

function showHealth(soc) {
  setText('soh', fmt.pct(soc?.soh_pct));
  setText('cycles', isNumber(soc?.cycles) ? soc.cycles.toFixed(1) : DASH);
  setText('capacity', isNumber(soc?.learned_capacity_mAh) ? `${(soc.learned_capacity_mAh / 1000).toFixed(1)} Ah` : DASH);
  setText('calibration', fmt.words(soc?.last_calibration));
}

function render(status) {
  showPack(status);
  showFaults(status.faults);
  showSwitches(status);
  drawCells(status);
  showCellSummary(status);
  showLimits(status);
  showBalancing(status.balancing);
  showTemperatures(status.temps_C);
  showHealth(status.soc);
  setText('updated', fmt.time(status.time_ms));
  setText('cell-count', String(status.cell_count ?? DASH));
  byId('simulated').hidden = !status.simulated;
}

repeat(1000, async () => {
  const {status, json} = await api('GET', '/api/status');
  showOffline(status !== 200);
  if (status === 200) {
    lastStatus = json;
    render(json);
  }
});
window.addEventListener('resize', () => lastStatus && drawCells(lastStatus));
