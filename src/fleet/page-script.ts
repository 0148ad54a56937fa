import { createViewModel } from './fleet-view-model.js';


/**
 * The page's one script. It fetches the body's data-view-path every 5 s and builds the DOM with createElement and
 * textContent only: every string a node sends (gateway output lines, skill messages) is untrusted and never HTML.
 */
const RENDER = String.raw`
var body = document.body;
var viewPath = body.getAttribute('data-view-path');
var kind = body.getAttribute('data-kind');
var REFRESH_MS = 5000;
var DAY_MS = 86400000;
var COLUMNS = [['name', 'Node'], ['mode', 'Mode'], ['since', 'Since'], ['uptime', 'Uptime'], ['restarts24h', 'Restarts 24 h'],
  ['lastExit', 'Last exit'], ['slack', 'Slack'], ['skills', 'Skills'], ['cron', 'Cron'], ['version', 'Version']];
var picked = null;
var lastEntries = [];
var SVG = 'http://www.w3.org/2000/svg';

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function toEntries(data) {
  if (kind === 'node') return [{ name: data && data.node ? data.node.name : '?', reachable: true, view: data }];
  return data && Array.isArray(data.nodes) ? data.nodes : [];
}

function drawTimeline(entry, nowMs) {
  var svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('viewBox', '0 0 1000 10');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  var fromMs = nowMs - DAY_MS;
  var segments = entry.view
    ? buildTimeline(entry.view.events || [], fromMs, nowMs, entry.view.status)
    : buildUnreachableTimeline(entry.lastAnsweredAt, fromMs, nowMs);
  var label = [];
  segments.forEach(function (segment) {
    var rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'seg seg-' + segment.state);
    rect.setAttribute('data-state', segment.state);
    rect.setAttribute('data-start', new Date(segment.startMs).toISOString());
    rect.setAttribute('data-end', new Date(segment.endMs).toISOString());
    rect.setAttribute('x', String(((segment.startMs - fromMs) / DAY_MS) * 1000));
    rect.setAttribute('width', String(Math.max(((segment.endMs - segment.startMs) / DAY_MS) * 1000, 0.5)));
    rect.setAttribute('y', '0');
    rect.setAttribute('height', '10');
    var title = document.createElementNS(SVG, 'title');
    title.textContent = segment.state + ' for ' + formatSpan(segment.endMs - segment.startMs) + ', from ' + new Date(segment.startMs).toLocaleString();
    rect.appendChild(title);
    svg.appendChild(rect);
    label.push(segment.state);
  });
  svg.setAttribute('aria-label', 'last 24 hours: ' + label.join(', then '));
  var cell = el('td');
  cell.colSpan = COLUMNS.length;
  cell.appendChild(svg);
  var axis = el('div', 'axis');
  ['24 h ago', '18 h', '12 h', '6 h', 'now'].forEach(function (text) { axis.appendChild(el('span', '', text)); });
  cell.appendChild(axis);
  var row = el('tr', 'timeline');
  row.setAttribute('data-node', entry.name);
  row.appendChild(cell);
  return row;
}

function addField(list, term, value) {
  list.appendChild(el('dt', '', term));
  list.appendChild(el('dd', '', value));
}

function addLines(parent, lines) {
  if (!Array.isArray(lines) || lines.length === 0) return;
  parent.appendChild(el('pre', 'evidence', lines.join('\n')));
}

function showDetail(entries) {
  var detail = document.getElementById('detail');
  detail.replaceChildren();
  var entry = entries.filter(function (candidate) { return candidate.name === picked; })[0];
  if (!entry) { detail.hidden = true; return; }
  detail.hidden = false;
  detail.appendChild(el('h2', '', entry.name));
  if (!entry.view) {
    detail.appendChild(el('p', 'error', entry.error || 'no answer'));
    return;
  }
  var status = entry.view.status;
  var facts = el('dl');
  addField(facts, 'mode', status.mode + ' since ' + status.since);
  addField(facts, 'reasons', status.reasons.length ? status.reasons.join(', ') : 'none');
  if (status.daemon && status.daemon.host) addField(facts, 'host', status.daemon.host);
  detail.appendChild(facts);
  var exit = status.gateway.lastExit;
  detail.appendChild(el('h3', '', 'Last exit'));
  if (exit) {
    var exitFacts = el('dl', 'last-exit');
    addField(exitFacts, 'class', exit.class);
    addField(exitFacts, 'reason', exit.reason);
    addField(exitFacts, 'code', exit.signal !== null ? exit.signal : String(exit.code));
    addField(exitFacts, 'at', exit.at);
    detail.appendChild(exitFacts);
    addLines(detail, exit.evidence);
  } else {
    detail.appendChild(el('p', '', 'none since clawsupd started'));
  }
  var diagnosis = status.diagnosis;
  if (diagnosis) {
    detail.appendChild(el('h3', '', 'Diagnosis'));
    var diagnosisFacts = el('dl', 'diagnosis');
    addField(diagnosisFacts, 'reason', diagnosis.reason);
    if (diagnosis.trigger) addField(diagnosisFacts, 'trigger', diagnosis.trigger);
    addField(diagnosisFacts, 'hint', diagnosis.hint);
    detail.appendChild(diagnosisFacts);
    // The same lines as the last exit's are not shown twice.
    if (!exit || exit.evidence.join('\n') !== diagnosis.evidence.join('\n')) addLines(detail, diagnosis.evidence);
  }
  var skills = entry.view.skills || status.skills || {};
  var names = Object.keys(skills).sort();
  detail.appendChild(el('h3', '', 'Skills'));
  if (names.length === 0) detail.appendChild(el('p', '', 'none'));
  else {
    var list = el('dl', 'skills');
    names.forEach(function (name) {
      var skill = skills[name];
      addField(list, name, skill.state + (skill.message ? ': ' + skill.message : ''));
    });
    detail.appendChild(list);
  }
}

function render(entries) {
  var nowMs = Date.now();
  var tbody = document.getElementById('rows');
  tbody.replaceChildren();
  entries.forEach(function (entry) {
    var cells = describeEntry(entry, nowMs);
    var row = el('tr', 'node' + (entry.name === picked ? ' picked' : ''));
    row.setAttribute('data-node', entry.name);
    row.setAttribute('data-mode', cells.mode);
    COLUMNS.forEach(function (column) {
      var cell = el('td', 'cell-' + column[0]);
      cell.setAttribute('data-label', column[1]);
      if (column[0] === 'name') {
        var button = el('button', 'name', cells.name);
        button.type = 'button';
        cell.appendChild(button);
      } else if (column[0] === 'mode') {
        cell.appendChild(el('span', 'mode mode-' + timelineStateOf(cells.mode) + ' mode-' + cells.mode.replace(/[^a-z-]/g, ''), cells.mode));
      } else {
        cell.textContent = cells[column[0]];
      }
      row.appendChild(cell);
    });
    row.addEventListener('click', function () {
      picked = picked === entry.name ? null : entry.name;
      render(lastEntries);
    });
    tbody.appendChild(row);
    tbody.appendChild(drawTimeline(entry, nowMs));
  });
  showDetail(entries);
}

function refresh() {
  var updated = document.getElementById('updated');
  fetch(viewPath, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(function (data) {
      lastEntries = toEntries(data);
      render(lastEntries);
      updated.className = '';
      updated.textContent = 'updated ' + new Date().toLocaleTimeString();
      body.setAttribute('data-refreshed', new Date().toISOString());
    })
    .catch(function (error) {
      updated.className = 'stale';
      updated.textContent = 'could not refresh (' + error.message + '); showing the last answer';
    })
    .finally(function () { setTimeout(refresh, REFRESH_MS); });
}

refresh();
`;

/**
 * The whole script, in its own scope: the view model's compiled source (so the page computes rows and timelines
 * exactly as clawctl does), then the renderer. `__name` is what esbuild's keepNames wraps functions in (the daemon's
 * bundle): here it only hands the function back.
 */
export const PAGE_SCRIPT = `(function () {
'use strict';
var __name = function (target) { return target; };
var model = (${createViewModel.toString()})();
var formatSpan = model.formatSpan, timelineStateOf = model.timelineStateOf, buildTimeline = model.buildTimeline,
  buildUnreachableTimeline = model.buildUnreachableTimeline, describeEntry = model.describeEntry;
${RENDER}})();
`;
