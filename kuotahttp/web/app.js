// The booking page: a client of the JSON API like any other. It writes
// server data with textContent only, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let config = {};   // from GET web/config.json: the service's options for the page
let offices = [];  // from GET offices
let chosen = null; // {date, slot, key}: the slot the hold form is for; slot is its start, "08:00"

// api calls the JSON API by a path relative to the page, so that the page
// works under whatever prefix the service mounts it, and returns the
// parsed body, or throws an Error with the problem's words (RFC 9457:
// detail, or else title). When the service asks the page for an account
// (config.account_header), every call sends it.
async function api(method, path, body) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (config.account_header && $("account").value) headers[config.account_header] = $("account").value;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* not JSON: a proxy's error page */ }
  if (!res.ok) throw new Error(data && (data.detail || data.title) ? (data.detail || data.title) : text || res.statusText);
  return data;
}

// show runs an async action and reports its error under the page.
async function show(action) {
  $("error").textContent = "";
  try { await action(); } catch (err) { $("error").textContent = err.message; }
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function selectedOffice() { return offices.find((o) => o.code === $("office").value); }

function fillPools() {
  $("pool").replaceChildren(...selectedOffice().pools.map((p) => el("option", p)));
}

// drawMonth fetches the month as seen from the chosen pool (?pool=: the
// states and seats count that pool only) and draws it Monday first, one
// cell per day in the day's colour, with the seats left in the pool.
async function drawMonth() {
  const office = $("office").value, pool = $("pool").value;
  const m = await api("GET", `offices/${encodeURIComponent(office)}/months/${$("month").value}?pool=${encodeURIComponent(pool)}`);
  const body = $("calendar").tBodies[0];
  body.replaceChildren();
  let row = body.insertRow();
  const lead = (new Date(m.days[0].date + "T00:00:00Z").getUTCDay() + 6) % 7;
  for (let i = 0; i < lead; i++) row.insertCell();
  for (const d of m.days) {
    if (row.cells.length === 7) row = body.insertRow();
    const cell = row.insertCell();
    cell.className = d.colour;
    cell.title = d.reason ? `${d.state}: ${d.reason}` : d.state;
    // Yellow is one of two states: "not-opened" turns green when the quota
    // opens; "no-quota" was released without a seat in this pool.
    if (d.opens && d.state === "not-opened") cell.title += `, opens ${new Date(d.opens).toLocaleString()}`;
    const label = el(d.colour === "green" ? "button" : "span", String(Number(d.date.slice(8))));
    if (d.state === "no-quota") label.append(el("span", "no quota", "seats"));
    else if (d.pools && d.pools[pool]) label.append(el("span", `${d.pools[pool].left} left`, "seats"));
    if (d.colour === "green") label.onclick = () => show(() => drawDay(d.date));
    cell.append(label);
  }
}

// drawDay lists the slots of a day; a green slot can be chosen for a hold.
async function drawDay(date) {
  const office = $("office").value, pool = $("pool").value;
  const d = await api("GET", `offices/${encodeURIComponent(office)}/days/${date}?pool=${encodeURIComponent(pool)}`);
  $("day").hidden = false;
  $("hold").hidden = true;
  $("day-title").textContent = `${selectedOffice().name}, ${date} (${pool})`;
  const body = $("slots").tBodies[0];
  body.replaceChildren();
  for (const s of d.slots) {
    const row = body.insertRow();
    const seats = s.pools[pool];
    row.append(el("td", s.time), el("td", s.state, s.colour), el("td", seats ? `${seats.left} of ${seats.capacity}` : ""));
    const action = row.insertCell();
    if (s.colour === "green") {
      const b = el("button", "Choose");
      b.onclick = () => chooseSlot(date, s);
      action.append(b);
    }
  }
}

function chooseSlot(date, slot) {
  // One idempotency key per chosen slot: a double click, or a retry after
  // a lost response, gets the same booking back instead of a second hold.
  // (getRandomValues, not randomUUID: the latter exists only on https or
  // localhost, and -addr may serve the page on a LAN address.)
  const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  chosen = { date, slot: slot.slot, key }; // the API names a slot by its start
  $("hold-title").textContent = `Hold ${date}, ${slot.time}`;
  $("hold").hidden = false;
}

async function hold() {
  const niks = $("niks").value.split(/[\s,]+/).filter(Boolean);
  const b = await api("POST", "holds", {
    office: $("office").value,
    date: chosen.date,
    slot: chosen.slot,
    pool: $("pool").value,
    applicants: niks.map((nik) => ({ nik })),
    idempotency_key: chosen.key,
  });
  showBooking(b);
  await drawMonth();
}

function showBooking(b) {
  $("result").hidden = false;
  $("code").textContent = b.code;
  $("billing").textContent = b.billing_code;
  $("arrival").textContent = `${b.date}, ${b.slot_time} (${b.pool})`;
  $("payby").textContent = new Date(b.pay_by).toLocaleString();
  $("cancelby").textContent = new Date(b.cancel_by).toLocaleString();
  $("checkin").textContent = `${new Date(b.check_in_opens).toLocaleString()} – ${new Date(b.check_in_closes).toLocaleTimeString()}`;
  $("state").textContent = b.state;
  // Payments come from the payment channel, never from this page: the
  // service may name a page of the channel's (config.pay_url) to send
  // the billing code to; then the booking is read again.
  const unpaid = b.state === "held";
  $("pay").hidden = !unpaid || !config.pay_url;
  $("pay-elsewhere").hidden = !unpaid || !!config.pay_url;
  $("pay").onclick = () => show(async () => {
    await api("POST", config.pay_url, { billing_code: b.billing_code });
    showBooking(await api("GET", `bookings/${encodeURIComponent(b.code)}`));
  });
}

async function start() {
  config = await api("GET", "web/config.json");
  $("account-label").hidden = !config.account_header;
  $("account").onchange = () => show(start);
  offices = (await api("GET", "offices")).offices;
  $("office").replaceChildren(...offices.map((o) => el("option", `${o.name} (${o.zone})`)));
  offices.forEach((o, i) => { $("office").options[i].value = o.code; });
  fillPools();
  $("month").value = new Date().toISOString().slice(0, 7);
  $("office").onchange = () => { fillPools(); show(drawMonth); };
  $("month").onchange = $("pool").onchange = () => show(drawMonth);
  $("hold").onsubmit = (ev) => { ev.preventDefault(); show(hold); };
  await drawMonth();
}

show(start);
