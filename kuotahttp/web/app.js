// The booking page: a client of the JSON API like any other. It writes
// server data with textContent only, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let offices = [];  // from GET /api/offices
let chosen = null; // {date, slot, key}: the slot the hold form is for; slot is its start, "08:00"

// api calls the JSON API and returns the parsed body, or throws an Error
// with the server's message.
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* a plain-text 404 or 405 */ }
  if (!res.ok) throw new Error(data && data.error ? data.error.message : text || res.statusText);
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
  const m = await api("GET", `/api/offices/${encodeURIComponent(office)}/months/${$("month").value}?pool=${encodeURIComponent(pool)}`);
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
    // Yellow is one of two states: "not opened" turns green when the quota
    // opens; "no quota" was released without a seat in this pool.
    if (d.opens && d.state === "not opened") cell.title += `, opens ${new Date(d.opens).toLocaleString()}`;
    const label = el(d.colour === "green" ? "button" : "span", String(Number(d.date.slice(8))));
    if (d.state === "no quota") label.append(el("span", "no quota", "seats"));
    else if (d.pools && d.pools[pool]) label.append(el("span", `${d.pools[pool].left} left`, "seats"));
    if (d.colour === "green") label.onclick = () => show(() => drawDay(d.date));
    cell.append(label);
  }
}

// drawDay lists the slots of a day; a green slot can be chosen for a hold.
async function drawDay(date) {
  const office = $("office").value, pool = $("pool").value;
  const d = await api("GET", `/api/offices/${encodeURIComponent(office)}/days/${date}?pool=${encodeURIComponent(pool)}`);
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
  const b = await api("POST", "/api/holds", {
    account: $("account").value,
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
  $("pay").hidden = b.state !== "held";
  $("pay").onclick = () => show(async () => {
    showBooking(await api("POST", "/api/payments", { billing_code: b.billing_code, payment_ref: `DEMO-${b.code}` }));
  });
}

async function start() {
  offices = (await api("GET", "/api/offices")).offices;
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
