/// The dashboard's rate-limit panel: per service and tier (`burst`, `sustained`, and the budget tiers
/// `daily_budget` / `monthly_budget` in micro-dollars when the service has them) `used` of `limit`
/// as a bar, from `GET /api/v1/external-services/:service/rate-limit` every 3 s and again for a
/// service right after one of its live alerts; and the live alerts of room `rate_limit_alerts`
/// (`rate_limit.near_limit`, `.throttled`, `.recovered`; the room needs the manager role).
///
/// Value elements: `[data-panel="rate-limit"][data-service][data-tier][data-field]` for `used`,
/// `limit`, `remaining`, `windowMs`, `resetMs`; `[data-panel="rate-limit"][data-service][data-field="mode"]`;
/// alerts are `li[data-panel="rate-limit-alerts"]` with the event's id and data as attributes.
enum DashboardLimitsPanel {
    static let html = #"""
    <section id="limits-panel"><h2>Rate limits</h2>
      <div class="panel-status" data-panel="rate-limit" data-field="status" data-state="loading">loading…</div>
      <table><thead><tr><th>service</th><th>mode</th><th>tier</th><th>window</th><th>used / limit</th><th></th><th>remaining</th><th>oldest leaves in</th></tr></thead>
      <tbody id="limits"></tbody></table>
      <h3>Live rate-limit alerts</h3>
      <div class="panel-status" data-panel="rate-limit-alerts" data-field="status" data-state="loading">waiting for the room…</div>
      <ul id="limit-alerts" class="alerts"></ul>
    </section>

    """#

    static let script = #"""
    // ---- Rate-limit panel ----
    const limitsState = {};          // service -> { body } or { error }
    const limitAlerts = [];          // newest first, at most 30
    const pendingLimits = {};        // service -> timer of a refresh asked by an alert
    const budgetTiers = new Set(['daily_budget', 'monthly_budget']);
    function windowText(ms) {
      if (ms === 0) return 'calendar month';
      if (ms % 86400000 === 0) return `${ms / 86400000} d`;
      if (ms % 3600000 === 0) return `${ms / 3600000} h`;
      if (ms % 60000 === 0) return `${ms / 60000} min`;
      if (ms % 1000 === 0) return `${ms / 1000} s`;
      return `${ms} ms`;
    }
    const tierAmount = (tier, v) => budgetTiers.has(tier) ? money(v) : String(v);
    function durationText(ms) {
      if (ms <= 0) return '–';
      if (ms < 1000) return `${ms} ms`;
      if (ms < 120000) return `${(ms / 1000).toFixed(1)} s`;
      if (ms < 7200000) return `${Math.round(ms / 60000)} min`;
      return `${(ms / 3600000).toFixed(1)} h`;
    }
    function setStatus(panel, state, message) {
      const el = document.querySelector(`.panel-status[data-panel="${panel}"]`);
      el.dataset.state = state;
      el.textContent = message;
    }
    async function refreshLimitsOf(service) {
      let res;
      try { res = await api(`/api/v1/external-services/${encodeURIComponent(service)}/rate-limit`); }
      catch (e) { limitsState[service] = { error: 'unreachable' }; return; }
      if (!res.ok || !res.body || !Array.isArray(res.body.tiers)) { limitsState[service] = { error: errorText(res) }; return; }
      const previous = limitsState[service];
      // Answers may cross (a timer refresh and one asked by an alert): keep the latest cluster time.
      if (previous && previous.body && previous.body.at > res.body.at) return;
      limitsState[service] = { body: res.body };
    }
    async function refreshLimits(only) {
      if (!currentToken()) { setStatus('rate-limit', 'no-token', 'paste a token'); return; }
      const names = only ? [only] : await services();
      await Promise.all(names.map(refreshLimitsOf));
      renderLimits();
    }
    function renderLimits() {
      const rows = [];
      let newest = 0, failed = 0;
      for (const service of serviceNames.length ? serviceNames : Object.keys(limitsState)) {
        const st = limitsState[service];
        if (!st) continue;
        const s = { panel: 'rate-limit', service };
        if (st.error) {
          failed++;
          rows.push(`<tr><td>${text(service)}</td><td colspan="7">${val(s, 'error', st.error, 'unavailable (' + st.error + ')')}</td></tr>`);
          continue;
        }
        const b = st.body;
        newest = Math.max(newest, b.at);
        b.tiers.forEach((t, i) => {
          const a = { panel: 'rate-limit', service, tier: t.name };
          rows.push(`<tr data-service="${text(service)}" data-tier="${text(t.name)}">` +
            `<td>${i === 0 ? text(service) : ''}</td><td>${i === 0 ? val(s, 'mode', b.mode, b.mode) : ''}</td>` +
            `<td>${text(t.name)}</td><td>${val(a, 'windowMs', t.windowMs, windowText(t.windowMs))}</td>` +
            `<td>${val(a, 'used', t.used, tierAmount(t.name, t.used))} / ${val(a, 'limit', t.limit, tierAmount(t.name, t.limit))}</td>` +
            `<td>${bar(t.used, t.limit)}</td><td>${val(a, 'remaining', t.remaining, tierAmount(t.name, t.remaining))}</td>` +
            `<td>${val(a, 'resetMs', t.resetMs, durationText(t.resetMs))}</td></tr>`);
        });
      }
      document.getElementById('limits').innerHTML = rows.join('');
      if (newest) setStatus('rate-limit', failed ? 'partial' : 'ok', `cluster time ${clock(newest)}` + (failed ? ` · ${failed} unavailable` : ''));
      else if (failed) setStatus('rate-limit', 'unavailable', 'unavailable');
    }
    function scheduleLimits(service) {
      if (pendingLimits[service]) return;
      pendingLimits[service] = setTimeout(() => { delete pendingLimits[service]; refreshLimits(service); }, 250);
    }
    const alertClass = { near_limit: 'warning', throttled: 'critical', recovered: 'ok' };
    function renderLimitAlerts() {
      document.getElementById('limit-alerts').innerHTML = limitAlerts.map(m => {
        const d = m.data || {};
        const amount = v => v == null ? '–' : tierAmount(d.tier, v);
        return `<li data-panel="rate-limit-alerts" data-event-id="${text(m.id)}" data-event="${text(m.event)}"` +
          ` data-service="${text(d.service)}" data-tier="${text(d.tier)}" data-alert="${text(d.alert)}"` +
          ` data-used="${text(d.used)}" data-limit="${text(d.limit)}" data-window-ms="${text(d.windowMs)}"` +
          ` data-mode="${text(d.mode)}" data-at="${text(d.at)}">` +
          `${text(clock(d.at || m.ts))} <b>${text(d.service)}</b> ${text(d.tier)} ` +
          `<span class="level ${alertClass[d.alert] || ''}">${text(String(d.alert).replace('_', ' '))}</span> ` +
          `${text(amount(d.used))} / ${text(amount(d.limit))} per ${text(windowText(d.windowMs))} (${text(d.mode)})</li>`;
      }).join('');
    }
    panels.push({
      rooms: ['rate_limit_alerts'],
      refresh: () => refreshLimits(),
      onEvent(msg) {
        if (!String(msg.event).startsWith('rate_limit.') || limitAlerts.some(a => a.id === msg.id)) return;
        limitAlerts.unshift(msg);
        limitAlerts.length = Math.min(limitAlerts.length, 30);
        renderLimitAlerts();
        if (msg.data && msg.data.service) scheduleLimits(msg.data.service);
      },
      onRoomJoined() { setStatus('rate-limit-alerts', 'live', 'live'); },
      onRoomError(msg) {
        if (msg.code === 'forbidden') setStatus('rate-limit-alerts', 'forbidden', 'needs manager role');
        else setStatus('rate-limit-alerts', 'error', `unavailable (${msg.code})`);
      },
    });

    """#
}
