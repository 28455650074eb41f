/// The dashboard served at GET /: one self-contained page (no build step, no external assets) that
/// polls the cluster status API with the token the operator pastes (kept in this browser's storage)
/// and follows the realtime rooms over the WebSocket, resuming with `since` after a reconnect.
enum DashboardPage {
    static let html = #"""
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
      .ok { color: #137333; } .bad { color: #b3261e; }
      input { width: 40rem; max-width: 100%; font: inherit; padding: .3rem; }
      #error { color: #b3261e; }
    </style>
    </head>
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
    <section><h2>Realtime</h2>
      <div id="socket">not connected</div>
      <table><thead><tr><th>node</th><th>connections</th><th>messages/s</th><th>dropped</th><th>fan-out p50 / p99 (ms)</th></tr></thead><tbody id="rtnodes"></tbody></table>
      <h3>Latest events</h3>
      <table><thead><tr><th>time</th><th>room</th><th>event</th><th>priority</th><th>data</th></tr></thead><tbody id="events"></tbody></table>
    </section>
    <section><h2>Services</h2>
      <table><thead><tr><th>service</th><th>max batch</th><th>max wait (ms)</th><th>daily limit ($)</th><th>monthly budget ($)</th><th>burst /s</th><th>sustained /min</th></tr></thead>
      <tbody id="services"></tbody></table>
    </section>
    <script>
    const tokenInput = document.getElementById('token');
    // A link like /#token=... (printed by scripts/dev-up.sh) signs in: the fragment never reaches a server log.
    if (location.hash.startsWith('#token=')) {
      localStorage.setItem('coordToken', decodeURIComponent(location.hash.slice(7)));
      history.replaceState(null, '', location.pathname);
    }
    tokenInput.value = localStorage.getItem('coordToken') || '';
    tokenInput.addEventListener('change', () => { localStorage.setItem('coordToken', tokenInput.value.trim()); refresh(); });
    const dollars = m => (m / 1e6).toFixed(2);
    const text = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
    async function refresh() {
      try {
        const ready = await (await fetch('/readyz')).json();
        document.getElementById('ready').innerHTML = Object.entries(ready.checks).map(([k, v]) =>
          `<span class="${v.ok ? 'ok' : 'bad'}">${text(k)}: ${v.ok ? 'ok' : text(v.error || 'down')}</span>`).join(' · ');
      } catch (e) { document.getElementById('ready').textContent = 'unreachable'; }
      const token = tokenInput.value.trim();
      if (!token) { document.getElementById('error').textContent = 'Paste a token to see the cluster.'; return; }
      const r = await fetch('/api/v1/external-services/status', { headers: { Authorization: 'Bearer ' + token } });
      const body = await r.json();
      if (!r.ok) { document.getElementById('error').textContent = `${r.status}: ${body.error ? body.error.message : ''}`; return; }
      document.getElementById('error').textContent = '';
      document.getElementById('nodes').innerHTML = body.nodes.map(n =>
        `<tr><td>${text(n.id)}</td><td>${text(n.startedAt)}</td><td>${text(n.lastSeenAt)}</td></tr>`).join('');
      document.getElementById('services').innerHTML = body.services.map(s =>
        `<tr><td>${text(s.name)}</td><td>${s.maxBatchSize}</td><td>${s.maxWaitMs}</td><td>${dollars(s.dailyLimitMicros)}</td>` +
        `<td>${dollars(s.monthlyBudgetMicros)}</td><td>${s.burstPerSecond}</td><td>${s.sustainedPerMinute}</td></tr>`).join('');
    }
    async function refreshRealtime() {
      const token = tokenInput.value.trim();
      if (!token) return;
      const r = await fetch('/api/v1/external-services/realtime-metrics', { headers: { Authorization: 'Bearer ' + token } });
      if (!r.ok) return;
      const body = await r.json();
      const ms = v => v == null ? '–' : v.toFixed(1);
      document.getElementById('rtnodes').innerHTML = body.nodes.map(n =>
        `<tr><td>${text(n.nodeId)}</td><td>${n.connections}</td><td>${n.messagesPerSecond.toFixed(1)}</td>` +
        `<td>${n.droppedTotal}</td><td>${ms(n.fanoutP50Ms)} / ${ms(n.fanoutP99Ms)}</td></tr>`).join('');
    }
    // One socket for every room the token's role may join; each room's last id is kept so that a
    // reconnect (this node restarting, a network blip) resumes where it stopped, without gaps.
    const rooms = ['api_status_updates', 'batching_performance', 'webhook_events', 'cost_monitoring', 'rate_limit_alerts'];
    const lastSeen = JSON.parse(sessionStorage.getItem('coordLastSeen') || '{}');
    const events = [];
    let socket = null, backoff = 500;
    function connect() {
      const token = tokenInput.value.trim();
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
        } else if (msg.type === 'subscribed') {
          status.textContent = `connected · joined ${msg.room}` + (msg.missed ? ` (recovered ${msg.missed})` : '');
        }
      };
      socket.onclose = () => {
        socket = null;
        status.textContent = `disconnected; retrying in ${(backoff / 1000).toFixed(1)} s`;
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 15000);
      };
    }
    tokenInput.addEventListener('change', () => { if (socket) socket.close(); else connect(); });
    refresh();
    refreshRealtime();
    connect();
    setInterval(refresh, 3000);
    setInterval(refreshRealtime, 3000);
    </script>
    </body>
    </html>
    """#
}
