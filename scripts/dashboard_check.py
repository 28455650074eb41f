#!/usr/bin/env python3
"""The dashboard in a real browser (headless Chromium through Selenium), against a node that
scripts/check-dashboard.sh started on a database and key prefix of its own.

1. Opens the page with a manager token (/#token=...) and waits until its socket joined the rooms;
   a second, independent socket opened in the same browser records every event of
   `rate_limit_alerts` and `cost_monitoring` (the oracle for the alert lists).
2. Drives state with the API: check-rate-limit calls on stripe, twilio and airtable (burst 5/s: 4
   units in one call raise `rate_limit.near_limit`, then 1 unit fills it and the next is denied:
   `throttled`), and, when the cost-monitoring route exists, costs with POST /spend and a manual
   POST /budget-alert.
3. Rate-limit panel: every service and tier the API lists is rendered, and `used`, `limit`,
   `remaining`, `windowMs` (data-value = the API's integer; text = its formatting: dollars for the
   budget tiers) and `mode` equal a fresh GET /:service/rate-limit; each bar's fraction is used/limit.
4. Cost panel: 404 -> "cost panel: route not available yet, skipped" (and the panel must say
   "unavailable"); 200 -> every service's and the totals' fields equal a fresh GET /cost-monitoring
   (integers exactly, dollars formatted from micros, utilization as a float and a percentage).
5. Alert lists: the airtable burst near_limit alert (used 4 of 5) is listed, and every event the oracle
   saw is listed by its id with the event's fields; the manual budget alert is listed.
6. A user token: the rate-limit panel still renders, the cost panel and both alert lists say
   "needs manager role". A page whose cost-monitoring answers 404 (fetch stubbed in the page) says
   "unavailable" and still renders the rate limits.
7. No error in the browser console other than failed resource loads (403/404 answers).

Comparisons poll (the page refreshes every 3 s): they pass as soon as the page shows what the API
answers at that moment, and fail with the differences after a bound.
"""
import decimal
import json
import os
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

BASE = os.environ["DASHBOARD_BASE"]
MANAGER = os.environ["DASHBOARD_MANAGER_TOKEN"]
USER = os.environ["DASHBOARD_USER_TOKEN"]
WORK = os.environ.get("DASHBOARD_WORK", "/tmp")
DEADLINE = time.monotonic() + float(os.environ.get("DASHBOARD_SECONDS", "60")) - 5
PREFIX = "/api/v1/external-services"
BUDGET_TIERS = {"daily_budget", "monthly_budget"}
STARTED = time.monotonic()


class CheckFailed(Exception):
    pass


def say(message):
    print(f"[dashboard_check {time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def call(method, path, token, body=None):
    """(status, parsed JSON or None) of one request; never raises on an HTTP error status."""
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE + path, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def expect(status_body, wanted, what):
    status, body = status_body
    if status != wanted:
        raise CheckFailed(f"{what}: HTTP {status} (wanted {wanted}): {body}")
    return body


# The page's formatting, mirrored (integer math for money, like the page).
def money(micros):
    if micros is None:
        return "–"
    whole, frac = divmod(abs(micros), 1_000_000)
    digits = f"{frac:06d}".rstrip("0").ljust(2, "0")
    return ("-$" if micros < 0 else "$") + f"{whole:,}" + "." + digits


def percent(utilization):
    if utilization is None:
        return "–"
    # JavaScript's toFixed rounds the exact binary value half up; Decimal(float) is that exact value.
    exact = decimal.Decimal(utilization * 100)
    return f"{exact.quantize(decimal.Decimal('0.1'), rounding=decimal.ROUND_HALF_UP)}%"


def window_text(ms):
    if ms == 0:
        return "calendar month"
    for unit, name in ((86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1_000, "s")):
        if ms % unit == 0:
            return f"{ms // unit} {name}"
    return f"{ms} ms"


def tier_amount(tier, value):
    return money(value) if tier in BUDGET_TIERS else str(value)


def wait_for(description, probe, timeout):
    """Polls probe() until it returns (True, detail); fails with the last detail after timeout."""
    end = min(time.monotonic() + timeout, DEADLINE)
    detail = None
    while True:
        try:
            ok, detail = probe()
        except CheckFailed:
            raise
        except Exception as error:  # the page may be mid-render: try again
            ok, detail = False, f"{type(error).__name__}: {error}"
        if ok:
            return detail
        if time.monotonic() >= end:
            if isinstance(detail, list):
                detail = "\n    " + "\n    ".join(str(d) for d in detail[:25])
            raise CheckFailed(f"timed out waiting for {description}: {detail}")
        time.sleep(0.15)


READ_VALUES = """
return [...document.querySelectorAll('[data-panel][data-field]')].map(e => ({
  panel: e.dataset.panel, service: e.dataset.service || null, tier: e.dataset.tier || null,
  field: e.dataset.field, value: e.dataset.value === undefined ? null : e.dataset.value,
  state: e.dataset.state || null, text: e.textContent }));
"""
READ_BARS = """
return [...document.querySelectorAll(arguments[0])].map(r => {
  const b = r.querySelector('.bar');
  return { service: r.dataset.service, tier: r.dataset.tier || null,
           fraction: b ? b.dataset.fraction : null };
});
"""
READ_ALERTS = """
return [...document.querySelectorAll('li[data-panel="' + arguments[0] + '"]')].map(e => Object.assign({}, e.dataset));
"""
ORACLE = """
const token = arguments[0];
window.__oracle = { events: [], joined: [] };
const ws = new WebSocket(`ws://${location.host}/api/v1/realtime?access_token=${encodeURIComponent(token)}`);
ws.onopen = () => { for (const room of ['rate_limit_alerts', 'cost_monitoring']) ws.send(JSON.stringify({ type: 'subscribe', room })); };
ws.onmessage = m => {
  const msg = JSON.parse(m.data);
  if (msg.type === 'event') window.__oracle.events.push(msg);
  else if (msg.type === 'subscribed') window.__oracle.joined.push(msg.room);
};
window.__oracleSocket = ws;
"""


def values(driver):
    """{(panel, service, tier, field): (data-value, text)} and the panels' status elements."""
    found, statuses = {}, {}
    for v in driver.execute_script(READ_VALUES):
        if v["field"] == "status":
            statuses[v["panel"]] = (v["state"], v["text"].strip())
        else:
            found[(v["panel"], v["service"], v["tier"], v["field"])] = (v["value"], v["text"].strip())
    return found, statuses


def open_page(driver, token):
    driver.get("about:blank")  # a new document even when only the fragment differs
    driver.get(f"{BASE}/#token={token}")


def compare_limits(driver, services):
    page, statuses = values(driver)
    problems, compared = [], 0
    api_tiers = []
    for service in services:
        body = expect(call("GET", f"{PREFIX}/{service}/rate-limit", MANAGER), 200, f"GET {service}/rate-limit")
        mode = page.get(("rate-limit", service, None, "mode"))
        if mode != (body["mode"], body["mode"]):
            problems.append(f"{service} mode: page {mode}, api {body['mode']}")
        for tier in body["tiers"]:
            name = tier["name"]
            api_tiers.append((service, name))
            for field in ("used", "limit", "remaining", "windowMs"):
                shown = page.get(("rate-limit", service, name, field))
                text = window_text(tier[field]) if field == "windowMs" else tier_amount(name, tier[field])
                wanted = (str(tier[field]), text)
                compared += 1
                if shown != wanted:
                    problems.append(f"{service} {name} {field}: page {shown}, api {wanted}")
            reset = page.get(("rate-limit", service, name, "resetMs"))
            if reset is None or not reset[0].lstrip("-").isdigit():
                problems.append(f"{service} {name} resetMs: page {reset}")
    page_tiers = [(b["service"], b["tier"]) for b in driver.execute_script(READ_BARS, "#limits tr[data-tier]")]
    if page_tiers != api_tiers:
        problems.append(f"rows: page {page_tiers}, api {api_tiers}")
    for b in driver.execute_script(READ_BARS, "#limits tr[data-tier]"):
        used = page.get(("rate-limit", b["service"], b["tier"], "used"))
        limit = page.get(("rate-limit", b["service"], b["tier"], "limit"))
        if used and limit and int(limit[0]) > 0 and abs(float(b["fraction"]) - int(used[0]) / int(limit[0])) > 1e-9:
            problems.append(f"bar {b}: used {used[0]} limit {limit[0]}")
    if statuses.get("rate-limit", (None,))[0] != "ok":
        problems.append(f"panel status {statuses.get('rate-limit')}")
    return not problems, problems if problems else (compared, api_tiers)


COST_MONEY = ("spentTodayMicros", "dailyLimitMicros", "spentMonthMicros", "monthlyBudgetMicros",
              "reservedMicros", "projectedMonthMicros")


def compare_cost(driver):
    page, statuses = values(driver)
    status, body = call("GET", f"{PREFIX}/cost-monitoring", MANAGER)
    if status != 200:
        return False, [f"GET cost-monitoring answered {status}: {body}"]
    problems, compared = [], 0
    rows = [(c["service"], c, False) for c in body["services"]] + [("totals", body["totals"], True)]
    for service, c, is_total in rows:
        for field in COST_MONEY:
            if field not in c:
                continue
            compared += 1
            shown = page.get(("cost", service, None, field))
            wanted = ("" if c[field] is None else str(c[field]), money(c[field]))
            if shown != wanted:
                problems.append(f"{service} {field}: page {shown}, api {wanted}")
        if is_total:
            continue
        compared += 4
        checks = {
            "level": (c["level"], c["level"]),
            "anomaly": ("true" if c["anomaly"] else "false", "yes" if c["anomaly"] else "no"),
        }
        for field, wanted in checks.items():
            shown = page.get(("cost", service, None, field))
            if shown != wanted:
                problems.append(f"{service} {field}: page {shown}, api {wanted}")
        shown = page.get(("cost", service, None, "utilization"))
        if shown is None or float(shown[0]) != float(c["utilization"]) or shown[1] != percent(c["utilization"]):
            problems.append(f"{service} utilization: page {shown}, api {c['utilization']} ({percent(c['utilization'])})")
        reason = page.get(("cost", service, None, "anomalyReason"))
        wanted_reason = (c["anomalyReason"], c["anomalyReason"]) if c.get("anomalyReason") else None
        if reason != wanted_reason:
            problems.append(f"{service} anomalyReason: page {reason}, api {wanted_reason}")
    page_services = [b["service"] for b in driver.execute_script(READ_BARS, "#costs tr[data-service]")]
    api_services = [service for service, _, _ in rows]
    if page_services != api_services:
        problems.append(f"rows: page {page_services}, api {api_services}")
    if statuses.get("cost", (None,))[0] != "ok":
        problems.append(f"panel status {statuses.get('cost')}")
    return not problems, problems if problems else (compared, body)


def alert_matches(item, event):
    """Does the page's list item show this room event (its id and fields)?"""
    d = event["data"]
    if item.get("eventId") != event["id"] or item.get("event") != event["event"]:
        return False
    if event["room"] == "rate_limit_alerts":
        pairs = {"service": d["service"], "tier": d["tier"], "alert": d["alert"], "used": str(d["used"]),
                 "limit": str(d["limit"]), "windowMs": str(d["windowMs"]), "mode": d["mode"], "at": str(d["at"])}
    else:
        pairs = {"service": d["service"], "level": d["level"], "period": d["period"] or "",
                 "manual": "true" if d.get("manual") else "false", "message": d.get("message") or "",
                 "spentMicros": "" if d.get("spentMicros") is None else str(d["spentMicros"]),
                 "limitMicros": "" if d.get("limitMicros") is None else str(d["limitMicros"])}
    return all(item.get(k) == v for k, v in pairs.items())


def compare_alerts(driver):
    oracle = driver.execute_script("return window.__oracle.events;")
    lists = {"rate_limit_alerts": driver.execute_script(READ_ALERTS, "rate-limit-alerts"),
             "cost_monitoring": driver.execute_script(READ_ALERTS, "cost-alerts")}
    missing = []
    for event in oracle:
        if event["room"] == "cost_monitoring" and event["event"] != "budget.alert":
            continue
        if not any(alert_matches(item, event) for item in lists[event["room"]]):
            missing.append(f"{event['room']} {event['id']} {event['event']} {event['data']} not listed as such")
    return not missing, missing if missing else (oracle, lists)


def browser_errors(driver):
    errors = []
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE" and "Failed to load resource" not in entry.get("message", ""):
            errors.append(entry["message"])
    return errors


def main():
    services = [s["name"] for s in expect(call("GET", f"{PREFIX}/status", MANAGER), 200, "GET /status")["services"]]
    # A fresh key prefix: the node rebuilds the budget counters from the ledger first (503
    # budget_rebuilding meanwhile, which the panel shows as "unavailable (503 ...)").
    cost_status = wait_for("cost-monitoring to answer other than 503", lambda: (
        (lambda status: (status != 503, status))(call("GET", f"{PREFIX}/cost-monitoring", MANAGER)[0])), 15)
    if cost_status not in (200, 404):
        raise CheckFailed(f"GET cost-monitoring with a manager token answered {cost_status} (wanted 200, or 404 before the route lands)")
    cost_available = cost_status == 200

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--window-size=1400,2400", f"--user-data-dir={WORK}/chrome-profile"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path="/usr/bin/chromedriver", log_output=f"{WORK}/chromedriver.log")
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(15)
        driver.set_script_timeout(10)
        say(f"chromium {driver.capabilities.get('browserVersion')} started; {len(services)} services; "
            f"cost-monitoring answers {cost_status}")
        open_page(driver, MANAGER)
        wait_for("the page's socket to join rate_limit_alerts and cost_monitoring", lambda: (
            {"rate_limit_alerts", "cost_monitoring"} <= set(driver.execute_script(
                "return document.getElementById('socket').dataset.rooms;").split()), None), 10)
        driver.execute_script(ORACLE, MANAGER)
        wait_for("the oracle socket to join both rooms", lambda: (
            len(driver.execute_script("return window.__oracle.joined;")) == 2, None), 5)

        # Drive: a weighted call on stripe, a few on twilio, then airtable past its burst of 5/s.
        expect(call("POST", f"{PREFIX}/check-rate-limit", MANAGER, {"service": "stripe", "units": 7}), 200, "stripe check")
        for _ in range(3):
            expect(call("POST", f"{PREFIX}/check-rate-limit", MANAGER, {"service": "twilio"}), 200, "twilio check")
        # 4 units at once reach 80% of the burst (near_limit) in one decision, however slow the
        # machine; then 1 more fills it and the next is denied (throttled) unless a second passed.
        airtable = [expect(call("POST", f"{PREFIX}/check-rate-limit", MANAGER, {"service": "airtable", "units": units}),
                           200, "airtable check") for units in (4, 1, 1)]
        last_airtable = time.monotonic()
        if not airtable[0]["allowed"]:
            raise CheckFailed(f"airtable refused 4 units on a fresh key prefix: {airtable[0]}")
        if airtable[2].get("deniedBy") != "burst":
            say(f"note: the third airtable call was not denied by burst (the calls took over a second): {airtable[2]}")
        nonce = os.urandom(4).hex()
        manual_message = f"dashboard check {nonce}"
        if cost_available:
            for cost_service, micros in (("stripe", 1_234_567), ("twilio", 6_000_000), ("sendgrid", 12_345)):
                expect(call("POST", f"{PREFIX}/spend", MANAGER,
                            {"service": cost_service, "operation": "dashboard-check", "costMicros": micros}), 200, f"spend {cost_service}")
            expect(call("POST", f"{PREFIX}/budget-alert", MANAGER,
                        {"service": "stripe", "level": "warning", "message": manual_message}), 201, "budget-alert")

        # The near_limit alert of the 4th airtable call (used 4 of 5) reaches the page's list.
        def near_limit_listed():
            items = driver.execute_script(READ_ALERTS, "rate-limit-alerts")
            hits = [i for i in items if i.get("service") == "airtable" and i.get("tier") == "burst"
                    and i.get("alert") == "near_limit" and i.get("used") == "4" and i.get("limit") == "5"]
            return bool(hits), items
        wait_for("the airtable burst near_limit alert in the list", near_limit_listed, 5)
        say("live alert: rate_limit.near_limit airtable burst 4/5 listed")

        # After the burst window (1 s) the figures hold still (sustained is per minute): compare.
        time.sleep(max(0.0, last_airtable + 1.1 - time.monotonic()))
        compared, tiers = wait_for("the rate-limit panel to equal the API", lambda: compare_limits(driver, services), 10)
        say(f"rate-limit panel: {len(tiers)} tiers of {len(services)} services, {compared} values equal the API "
            f"(tiers: {', '.join(sorted({t for _, t in tiers}))})")

        if cost_available:
            compared, body = wait_for("the cost panel to equal the API", lambda: compare_cost(driver), 10)
            spent = {c["service"]: c["spentTodayMicros"] for c in body["services"] if c["spentTodayMicros"]}
            say(f"cost panel: {compared} values equal the API (spent today {spent}, "
                f"levels {sorted({c['level'] for c in body['services']})})")

            def manual_listed():
                items = driver.execute_script(READ_ALERTS, "cost-alerts")
                return any(i.get("message") == manual_message and i.get("manual") == "true"
                           and i.get("period") == "" and i.get("service") == "stripe" for i in items), items
            wait_for("the manual budget alert in the cost alert list", manual_listed, 5)
            say("live alert: budget.alert (manual) listed")
        else:
            _, statuses = values(driver)
            if statuses.get("cost") != ("unavailable", "unavailable"):
                raise CheckFailed(f"cost-monitoring answers 404 but the cost panel says {statuses.get('cost')}")
            say("cost panel: route not available yet, skipped")

        time.sleep(0.5)  # events published by the last calls may still be on their way to both sockets
        oracle, lists = wait_for("every room event to be listed", lambda: compare_alerts(driver), 5)
        say(f"alert lists: all {len(oracle)} events of the oracle socket listed "
            f"({', '.join(e['event'] for e in oracle)}); page lists {len(lists['rate_limit_alerts'])} rate-limit, "
            f"{len(lists['cost_monitoring'])} budget alerts")
        errors = browser_errors(driver)
        if errors:
            raise CheckFailed(f"browser console errors: {errors}")
        if os.environ.get("DASHBOARD_SCREENSHOT"):
            driver.save_screenshot(os.environ["DASHBOARD_SCREENSHOT"])

        # A user token: rate limits render, the manager-only parts say so instead of breaking.
        open_page(driver, USER)
        wanted_cost = ("forbidden", "needs manager role") if cost_available else ("unavailable", "unavailable")

        def degraded():
            _, statuses = values(driver)
            got = {"cost": statuses.get("cost"), "rate-limit": statuses.get("rate-limit", (None,))[0],
                   "rate-limit-alerts": statuses.get("rate-limit-alerts"), "cost-alerts": statuses.get("cost-alerts")}
            want = {"cost": wanted_cost, "rate-limit": "ok",
                    "rate-limit-alerts": ("forbidden", "needs manager role"), "cost-alerts": ("forbidden", "needs manager role")}
            return got == want, got
        wait_for("a user token's page to degrade (needs manager role)", degraded, 10)
        rows = len(driver.execute_script(READ_BARS, "#limits tr[data-tier]"))
        say(f"user token: rate-limit panel renders ({rows} tiers); cost panel says '{wanted_cost[1]}', "
            "both alert lists say 'needs manager role'")

        # A node without the cost-monitoring route yet (404, stubbed in the page): "unavailable".
        stub = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
            const realFetch = window.fetch;
            window.fetch = (input, init) => String(input).includes('/cost-monitoring')
              ? Promise.resolve(new Response('{"error":{"code":"not_found","message":"No route."}}', { status: 404 }))
              : realFetch(input, init);"""})
        open_page(driver, MANAGER)

        def unavailable():
            _, statuses = values(driver)
            got = (statuses.get("cost"), statuses.get("rate-limit", (None,))[0])
            return got == (("unavailable", "unavailable"), "ok"), got
        wait_for("the cost panel to say unavailable on a 404", unavailable, 10)
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": stub["identifier"]})
        say("cost-monitoring 404 (stubbed): the cost panel says 'unavailable', rate limits still render")
        errors = browser_errors(driver)
        if errors:
            raise CheckFailed(f"browser console errors: {errors}")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        sys.exit(1)
    say("passed")
