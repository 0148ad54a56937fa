/** The status page's stylesheet: system fonts only (the nodes have no internet); below 720px each row becomes a card. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d2125; --muted: #5d6670; --line: #d5d9de; --bg: #fff; --pick: #eef4ff;
  --healthy: #2e9e4f; --degraded: #e0a100; --starting: #3d7be0; --backoff: #e07a1f; --diagnose: #c8322f;
  --held: #8a5cc7; --down: #4a4f55; --unknown: #c9ced4; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #9aa3ad; --line: #3a4048; --bg: #16191d; --pick: #22303f; --unknown: #3a4048; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.15rem; margin: 0; }
#updated { color: var(--muted); font-size: .85rem; }
#updated.stale { color: var(--diagnose); }
main { padding: .5rem 1rem 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { white-space: nowrap; font-weight: 600; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
tr.node { cursor: pointer; }
td.cell-name, td.cell-mode, td.cell-since, td.cell-uptime, td.cell-restarts24h, td.cell-slack, td.cell-version { white-space: nowrap; }
tr.node.picked, tr.node:hover { background: var(--pick); }
tr.timeline td { padding-top: 0; }
button.name { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
.mode { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; background: var(--unknown); font-weight: 600; }
.mode-healthy { background: var(--healthy); } .mode-degraded { background: var(--degraded); } .mode-starting { background: var(--starting); }
.mode-backoff { background: var(--backoff); } .mode-diagnose { background: var(--diagnose); } .mode-held { background: var(--held); }
.mode-down, .mode-stopping, .mode-stopped, .mode-unreachable { background: var(--down); }
svg.bar { display: block; width: 100%; height: 14px; border-radius: 3px; overflow: hidden; }
.seg-healthy { fill: var(--healthy); } .seg-degraded { fill: var(--degraded); } .seg-starting { fill: var(--starting); }
.seg-backoff { fill: var(--backoff); } .seg-diagnose { fill: var(--diagnose); } .seg-held { fill: var(--held); }
.seg-down { fill: var(--down); } .seg-unknown { fill: var(--unknown); }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: .7rem; }
#legend { display: flex; flex-wrap: wrap; gap: .25rem .75rem; font-size: .8rem; color: var(--muted); margin: .5rem 0; }
#legend span::before { content: ""; display: inline-block; width: .7rem; height: .7rem; margin-right: .25rem; border-radius: 2px; vertical-align: -1px; background: var(--unknown); }
#legend .lg-healthy::before { background: var(--healthy); } #legend .lg-degraded::before { background: var(--degraded); }
#legend .lg-starting::before { background: var(--starting); } #legend .lg-backoff::before { background: var(--backoff); }
#legend .lg-diagnose::before { background: var(--diagnose); } #legend .lg-held::before { background: var(--held); }
#legend .lg-down::before { background: var(--down); }
#detail { margin-top: 1rem; padding: .75rem 1rem; border: 1px solid var(--line); border-radius: 6px; }
#detail h2 { font-size: 1rem; margin: 0 0 .5rem; }
#detail h3 { font-size: .9rem; margin: .75rem 0 .25rem; color: var(--muted); }
#detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: 0; }
#detail dt { color: var(--muted); }
#detail dd { margin: 0; overflow-wrap: anywhere; }
pre { margin: .25rem 0; padding: .5rem; background: var(--pick); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; }
.error { color: var(--diagnose); }
@media (max-width: 720px) {
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr.node { border-top: 2px solid var(--line); padding-top: .35rem; }
  td { border: 0; padding: .1rem .25rem; }
  tr.node td::before { content: attr(data-label) ": "; color: var(--muted); font-size: .8rem; }
  tr.node td.cell-name::before { content: none; }
  tr.timeline td { padding-bottom: .6rem; border-bottom: 1px solid var(--line); }
}
`;
