/// The dashboard served at GET /: one self-contained page (no build step, no external assets) that
/// polls the API with the token the operator pastes (kept in this browser's storage) and follows the
/// realtime rooms over the WebSocket, resuming with `since` after a reconnect. The rate-limit and cost
/// panels are in `DashboardLimitsPanel` and `DashboardCostPanel`; this file is the shell and the
/// shared helpers (`api`, `money`, `val`, `panels`).
///
/// Every value a panel shows is an element carrying `data-panel`, `data-service`, `data-field` (and
/// `data-tier` in the rate-limit panel) with the raw API value in `data-value` and the formatted text
/// as its content, so a browser test can compare the page with the API (`scripts/dashboard_check.py`).
enum DashboardPage {
    static let html = head + body + "<script>\n" + script + DashboardLimitsPanel.script + DashboardCostPanel.script
        + start + "</script>\n</body>\n</html>\n"

    static let head = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Coordinator</title>
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2430; background: #f6f7f9; }
      h1 { font-size: 1.4rem; margin: 0 0 1rem; }
      section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eef0f3; }
      th { font-weight: 600; color: #5a6472; }
      .ok { color: #137333; } .bad { color: #b3261e; } .muted { color: #5a6472; }
      input { width: 40rem; max-width: 100%; font: inherit; padding: .3rem; }
      #error { color: #b3261e; }
      .bar { display: inline-block; width: 10rem; height: .7rem; background: #eef0f3; border-radius: 3px; overflow: hidden; vertical-align: middle; }
      .bar > span { display: block; height: 100%; background: #1e8e3e; }
      .bar.warn > span { background: #e37400; } .bar.hot > span { background: #b3261e; }
      .level { padding: 0 .4rem; border-radius: 3px; background: #e6f4ea; }
      .level.warning { background: #fef7e0; } .level.critical, .level.throttled { background: #fce8e6; }
      .level.emergency, .level.blocked { background: #b3261e; color: #fff; }
      ul.alerts { list-style: none; padding: 0; margin: 0; max-height: 16rem; overflow-y: auto; }
      ul.alerts li { padding: .2rem 0; border-bottom: 1px solid #eef0f3; }
      .panel-status { color: #5a6472; margin-bottom: .5rem; }
      td code { word-break: break-all; }
    </style>
    </head>

    """#

    static let body = #"""
    <body>
    <h1>Coordinator cluster</h1>
    <section>
      <label>API token (Bearer JWT): <input id="token" type="password" placeholder="paste data/dev-admin-token"></label>
      <div id="error"></div>
    </section>
    <section><h2>Readiness of the node that served this page</h2><div id="ready">…</div></section>
    <section><h2>Live nodes</h2>
      <table><thead><tr><th>id</th><th>started</th><th>last seen</th></tr></thead><tbody id="nodes"></tbody></table>
    </section>

    """# + DashboardLimitsPanel.html + DashboardCostPanel.html + #"""
    <section><h2>Realtime</h2>
      <div id="socket" data-rooms="">not connected</div>
      <table><thead><tr><th>node</th><th>connections</th><th>messages/s</th><th>dropped</th><th>fan-out p50 / p99 (ms)</th></tr></thead><tbody id="rtnodes"></tbody></table>
      <h3>Latest events</h3>
      <table><thead><tr><th>time</th><th>room</th><th>event</th><th>priority</th><th>data</th></tr></thead><tbody id="events"></tbody></table>
    </section>
    <section><h2>Services</h2>
      <table><thead><tr><th>service</th><th>max batch</th><th>max wait (ms)</th><th>daily limit ($)</th><th>monthly budget ($)</th><th>burst /s</th><th>sustained /min</th></tr></thead>
      <tbody id="services"></tbody></table>
    </section>

    """#

    /// The shared helpers and the shell's own parts (readiness, nodes, services, the socket).
    static let script = #"""
    const tokenInput = document.getElementById('token');
    // A link like /#token=... (printed by scripts/dev-up.sh) signs in: the fragment never reaches a server log.
    if (location.hash.startsWith('#token=')) {
      localStorage.setItem('coordToken', decodeURIComponent(location.hash.slice(7)));
      history.replaceState(null, '', location.pathname);
    }
    tokenInput.value = localStorage.getItem('coordToken') || '';
    const currentToken = () => tokenInput.value.trim();
    const dollars = m => (m / 1e6).toFixed(2);
    const text = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
    // Micro-dollars as dollars with integer math only (no float rounding): at least two decimals,
    // up to six when the amount has them: 2000000 -> $2.00, 12345 -> $0.012345, 1234500000 -> $1,234.50.
    function money(m) {
      if (m == null) return '–';
      const a = Math.abs(m), whole = Math.floor(a / 1000000);
      let frac = String(a % 1000000).padStart(6, '0').replace(/0+$/, '');
      if (frac.length < 2) frac = frac.padEnd(2, '0');
      return (m < 0 ? '-$' : '$') + whole.toLocaleString('en-US') + '.' + frac;
    }
    // One value element: its raw API value in data-value, the formatted text as content.
    function val(attrs, field, raw, shown) {
      const a = Object.entries(attrs).map(([k, v]) => ` data-${k}="${text(v)}"`).join('');
      return `<span${a} data-field="${field}" data-value="${raw == null ? '' : text(raw)}">${text(shown)}</span>`;
    }
    // A bar for used/limit (clamped to the width; data-fraction unclamped).
    function bar(used, limit, cls) {
      const f = limit > 0 ? used / limit : (used > 0 ? 1 : 0);
      const c = cls != null ? cls : (f >= 0.9 ? 'hot' : f >= 0.7 ? 'warn' : '');
      return `<span class="bar ${c}" data-fraction="${f}"><span style="width:${Math.min(100, f * 100).toFixed(1)}%"></span></span>`;
    }
    const clock = ms => new Date(ms).toISOString().slice(11, 19);
    // GET with the token: {status, ok, body} (body null when not JSON); throws only when unreachable.
    async function api(path) {
      const r = await fetch(path, { headers: { Authorization: 'Bearer ' + currentToken() }, cache: 'no-store' });
      let body = null;
      try { body = await r.json(); } catch (e) {}
      return { status: r.status, ok: r.ok, body };
    }
    const errorText = res => `${res.status}${res.body && res.body.error ? ': ' + res.body.error.message : ''}`;
    // Panels register here: refresh() on a timer and when the token changes, onEvent(msg) for each
    // event of their rooms, onRoomError(msg) when a room refuses this token.
    const panels = [];
    let serviceNames = [];
    async function refresh() {
      try {
        const ready = await (await fetch('/readyz')).json();
        document.getElementById('ready').innerHTML = Object.entries(ready.checks).map(([k, v]) =>
          `<span class="${v.ok ? 'ok' : 'bad'}">${text(k)}: ${v.ok ? 'ok' : text(v.error || 'down')}</span>`).join(' · ');
      } catch (e) { document.getElementById('ready').textContent = 'unreachable'; }
      if (!currentToken()) { document.getElementById('error').textContent = 'Paste a token to see the cluster.'; return; }
      let res;
      try { res = await api('/api/v1/external-services/status'); } catch (e) { return; }
      if (!res.ok || !res.body) { document.getElementById('error').textContent = errorText(res); return; }
      const body = res.body;
      document.getElementById('error').textContent = '';
      serviceNames = body.services.map(s => s.name);
      document.getElementById('nodes').innerHTML = body.nodes.map(n =>
        `<tr><td>${text(n.id)}</td><td>${text(n.startedAt)}</td><td>${text(n.lastSeenAt)}</td></tr>`).join('');
      document.getElementById('services').innerHTML = body.services.map(s =>
        `<tr><td>${text(s.name)}</td><td>${s.maxBatchSize}</td><td>${s.maxWaitMs}</td><td>${dollars(s.dailyLimitMicros)}</td>` +
        `<td>${dollars(s.monthlyBudgetMicros)}</td><td>${s.burstPerSecond}</td><td>${s.sustainedPerMinute}</td></tr>`).join('');
    }
    // The catalog's names (from /status), fetched once before a panel needs them.
    async function services() {
      if (serviceNames.length === 0) await refresh();
      return serviceNames;
    }
    async function refreshRealtime() {
      if (!currentToken()) return;
      let res;
      try { res = await api('/api/v1/external-services/realtime-metrics'); } catch (e) { return; }
      if (!res.ok || !res.body) return;
      const ms = v => v == null ? '–' : v.toFixed(1);
      document.getElementById('rtnodes').innerHTML = res.body.nodes.map(n =>
        `<tr><td>${text(n.nodeId)}</td><td>${n.connections}</td><td>${n.messagesPerSecond.toFixed(1)}</td>` +
        `<td>${n.droppedTotal}</td><td>${ms(n.fanoutP50Ms)} / ${ms(n.fanoutP99Ms)}</td></tr>`).join('');
    }
    // Status first (it names the services the panels show), then the panels.
    function refreshAll() {
      refreshRealtime();
      refresh().finally(() => { for (const p of panels) p.refresh(); });
    }
    // One socket for every room the token's role may join; each room's last id is kept so that a
    // reconnect (this node restarting, a network blip) resumes where it stopped, without gaps.
    const rooms = ['api_status_updates', 'batching_performance', 'webhook_events', 'cost_monitoring', 'rate_limit_alerts'];
    const lastSeen = JSON.parse(sessionStorage.getItem('coordLastSeen') || '{}');
    const events = [];
    const joined = new Set();
    let socket = null, backoff = 500;
    function showJoined(status) {
      status.dataset.rooms = [...joined].sort().join(' ');
    }
    function connect() {
      const token = currentToken();
      if (!token || socket) return;
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/realtime?access_token=${encodeURIComponent(token)}`;
      socket = new WebSocket(url);
      const status = document.getElementById('socket');
      socket.onopen = () => {
        backoff = 500;
        status.textContent = 'connected';
        for (const room of rooms) socket.send(JSON.stringify(lastSeen[room] ? { type: 'subscribe', room, since: lastSeen[room] } : { type: 'subscribe', room }));
      };
      socket.onmessage = m => {
        const msg = JSON.parse(m.data);
        if (msg.type === 'event') {
          lastSeen[msg.room] = msg.id;
          sessionStorage.setItem('coordLastSeen', JSON.stringify(lastSeen));
          events.unshift(msg);
          events.length = Math.min(events.length, 50);
          document.getElementById('events').innerHTML = events.map(e =>
            `<tr><td>${text(new Date(e.ts).toISOString())}</td><td>${text(e.room)}</td><td>${text(e.event)}</td>` +
            `<td>${text(e.priority)}</td><td><code>${text(JSON.stringify(e.data)).slice(0, 200)}</code></td></tr>`).join('');
          for (const p of panels) if (p.rooms.includes(msg.room)) { try { p.onEvent(msg); } catch (e) { console.warn(e); } }
        } else if (msg.type === 'subscribed') {
          joined.add(msg.room);
          showJoined(status);
          status.textContent = `connected · joined ${msg.room}` + (msg.missed ? ` (recovered ${msg.missed})` : '');
          for (const p of panels) if (p.rooms.includes(msg.room) && p.onRoomJoined) p.onRoomJoined(msg);
        } else if (msg.type === 'error' && msg.room) {
          for (const p of panels) if (p.rooms.includes(msg.room) && p.onRoomError) p.onRoomError(msg);
        }
      };
      socket.onclose = () => {
        socket = null;
        joined.clear();
        showJoined(status);
        status.textContent = `disconnected; retrying in ${(backoff / 1000).toFixed(1)} s`;
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 15000);
      };
    }

    """#

    static let start = #"""
    tokenInput.addEventListener('change', () => {
      localStorage.setItem('coordToken', currentToken());
      serviceNames = [];
      refreshAll();
      if (socket) socket.close(); else connect();
    });
    refreshAll();
    connect();
    setInterval(refreshAll, 3000);

    """#
}
