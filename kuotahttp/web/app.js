// The booking page: a client of the JSON API like any other. It writes
// server data with textContent only, never as HTML, and takes every word
// from strings.js.
//
// Time: the page never reads the browser's clock or zone for a date or a
// time of day. Today, the past and a hold's countdown come from the
// server's clock (web/config.json's "now", carried forward by the
// browser's monotonic clock), and every time shown is the office's wall
// clock, read from the instants the API writes in the office's zone, with
// the office's zone beside it ("08:00 WITA").
"use strict";

const $ = (id) => document.getElementById(id);

// NO_HOLIDAY_DATA is the reason the server gives a day of a year its
// office has no holiday data for (calendar.NoHolidayDataReason).
const NO_HOLIDAY_DATA = "no holiday data for the year yet";
// MONTHS_AHEAD is how far the month navigation goes: the engine's booking
// horizon is at most 400 days.
const MONTHS_AHEAD = 13;
// LANG_KEY is where the language chosen is remembered.
const LANG_KEY = "kuota.lang";

// page is everything the page knows. Each panel is drawn from it alone,
// so that a language switch redraws every panel without asking again.
const page = {
  lang: "id",
  config: {},
  serverMs: 0,      // the server's clock when config.json answered, in Unix ms
  perfAt: 0,        // performance.now() then
  offices: [],
  month: "",        // the month shown, "2026-12"
  monthView: null,  // its GET months answer
  date: "",         // the chosen day, "2026-12-17", or ""
  dayView: null,    // its GET days answer
  slot: null,       // the chosen slot of that day: {slot: "08:00", time: "08:00–09:00"}
  holdKey: "",      // the idempotency key of the chosen slot's hold
  booking: null,    // the booking the result panel shows
  moving: null,     // the booking being rescheduled, or null
  bookings: null,   // the account's bookings, or null when not known
  mineNote: "",     // the string key of the note above them
  confirmCancel: false,
  lapsed: "",       // the code of the hold whose deadline the page re-read
  draw: null,       // the opening draw's answer to the latest hold: {code, place, n}, or null
  holding: false,   // a hold is on its way: in a draw, it waits for the window's end
  drawShown: false, // whether the day panel says that its release is being drawn
  proof: null,      // the proof of booking shown: {key, token, url}, or null
};

// t returns the string key in the page's language, its {placeholders}
// filled from params.
function t(key, params) {
  let s = STRINGS[page.lang][key];
  if (typeof s !== "string") return s;
  for (const [k, v] of Object.entries(params || {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

// ---- time, in the office's zone ----

// parseInstant reads an RFC 3339 instant as the API writes it, in the
// office's zone: its Unix ms, and its wall-clock date and time there.
function parseInstant(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|([+-])(\d\d):(\d\d))$/.exec(s || "");
  if (!m) return null;
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Number(("0." + (m[7] || "0"))) * 1000);
  const offsetMin = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (+m[10] * 60 + +m[11]);
  return { ms: local - offsetMin * 60000, date: `${m[1]}-${m[2]}-${m[3]}`, clock: `${m[4]}:${m[5]}` };
}

// serverNow is the server's clock now, in Unix ms.
function serverNow() { return page.serverMs + (performance.now() - page.perfAt); }

// officeOf returns the office with the code, or the one chosen.
function officeOf(code) { return page.offices.find((o) => o.code === (code || $("office").value)); }

// officeWall returns the wall-clock date and time at office of Unix ms.
function officeWall(office, ms) {
  const iso = new Date(ms + office.zone_offset * 1000).toISOString();
  return { date: iso.slice(0, 10), clock: iso.slice(11, 16) };
}

function todayAt(office) { return officeWall(office, serverNow()).date; }

function weekday(date) {
  return new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10))).getUTCDay();
}

function addMonths(month, n) {
  const i = +month.slice(0, 4) * 12 + (+month.slice(5, 7) - 1) + n;
  return `${Math.floor(i / 12)}-${String(i % 12 + 1).padStart(2, "0")}`;
}

// "Kamis, 17 Desember 2026"
function longDate(date) {
  return `${t("weekdays")[weekday(date)]}, ${Number(date.slice(8))} ${t("months")[+date.slice(5, 7) - 1]} ${date.slice(0, 4)}`;
}

// "17 Des 2026", or "17 Des" without the year.
function shortDate(date, withYear = true) {
  const s = `${Number(date.slice(8))} ${t("monthsShort")[+date.slice(5, 7) - 1]}`;
  return withYear ? `${s} ${date.slice(0, 4)}` : s;
}

// "Selasa, 22 Des 2026"
function weekdayDate(date) { return `${t("weekdays")[weekday(date)]}, ${shortDate(date)}`; }

// "17 Des 2026 08:00 WITA": an instant as the office's clock shows it.
function instantText(s, zone, withYear = true) {
  const i = parseInstant(s);
  return i ? `${shortDate(i.date, withYear)} ${i.clock} ${zone}` : "";
}

function zoneOf(code) { const o = officeOf(code); return o ? o.zone_abbr : ""; }

// ---- the API ----

// api calls the JSON API by a path relative to the page, so that the page
// works under whatever prefix the service mounts it, and returns the
// parsed body (or, asBlob, the body as a Blob: an image), or throws an
// Error carrying the problem (RFC 9457): its type's last segment as
// .problem, its members as .data, and its words. When the service asks
// the page for an account (config.account_header), every call sends it.
async function api(method, path, body, asBlob) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (page.config.account_header && $("account").value) headers[page.config.account_header] = $("account").value;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (res.ok && asBlob) return res.blob();
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* not JSON: a proxy's error page */ }
  if (!res.ok) {
    const err = new Error(data && (data.detail || data.title) ? (data.detail || data.title) : text || res.statusText);
    err.status = res.status;
    err.problem = data && typeof data.type === "string" ? data.type.slice(data.type.lastIndexOf("/") + 1) : "";
    err.data = data || {};
    throw err;
  }
  return data;
}

// act runs an action, with its button disabled meanwhile so that a
// double click does not act twice, and says why it failed right after
// place, where the person is looking: below the form they sent, the
// buttons they pressed, the calendar they clicked.
async function act(action, button, place) {
  hideError();
  if (button) button.disabled = true;
  try {
    await action();
  } catch (err) {
    showError(err, place || (button && button.closest("form, .actions, .panel")) || $("pick"));
  } finally {
    if (button) button.disabled = false;
  }
}

function showError(err, place) {
  const own = (err.problem && t("problem")[err.problem]) || err.message;
  // A hold refused after an opening draw says where the draw put it.
  const d = err.data || {};
  $("error-text").textContent = d.draw_place ? `${t("drawPlace", { place: d.draw_place, n: d.draw_entrants || "?" })}. ${own}` : own;
  place.after($("error"));
  $("error").hidden = false;
  $("error").scrollIntoView({ block: "nearest" });
}

function hideError() { $("error").hidden = true; }

// reveal scrolls a panel into view and moves the focus to it, so that the
// result of an action is where the eye is, on a phone too.
function reveal(el) {
  el.scrollIntoView({ block: "start" });
  el.focus({ preventScroll: true });
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// ---- loading ----

// loadMonth and loadDay keep an answer only if it is still for what the
// page shows: a person clicking through months faster than the server
// answers sees the last month asked for, not the last answer to arrive.
async function loadMonth() {
  const office = $("office").value, pool = $("pool").value, month = page.month;
  const m = await api("GET", `offices/${encodeURIComponent(office)}/months/${month}?pool=${encodeURIComponent(pool)}`);
  if (month !== page.month || office !== $("office").value || pool !== $("pool").value) return;
  page.monthView = m;
  drawMonth();
}

async function loadDay() {
  if (!page.date) { page.dayView = null; drawDay(); return; }
  const office = $("office").value, pool = $("pool").value, date = page.date;
  const d = await api("GET", `offices/${encodeURIComponent(office)}/days/${date}?pool=${encodeURIComponent(pool)}`);
  if (date !== page.date || office !== $("office").value || pool !== $("pool").value) return;
  page.dayView = d;
  drawDay();
}

async function loadMine() {
  try {
    page.bookings = (await api("GET", "bookings")).bookings;
    page.mineNote = page.bookings.length ? "" : "mineEmpty";
  } catch (err) {
    if (err.status !== 401 && err.status !== 403) throw err;
    page.bookings = null;
    page.mineNote = "mineSignIn";
  }
  drawMine();
}

// refresh reloads every panel that shows seats or bookings: after any
// action, each of them may have changed.
async function refresh() {
  await Promise.all([loadMonth(), loadDay(), loadMine()]);
  drawResult();
}

// ---- drawing ----

// drawAll redraws every panel from what the page knows.
function drawAll() {
  drawStatic();
  if (page.monthView) drawMonth();
  drawDay();
  drawResult();
  drawMine();
}

// drawStatic fills in the fixed words of the page.
function drawStatic() {
  document.documentElement.lang = page.lang;
  document.title = t("pageTitle");
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll("[data-t-label]")) { e.setAttribute("aria-label", t(e.dataset.tLabel)); e.title = t(e.dataset.tLabel); }
  for (const e of document.querySelectorAll("[data-t-placeholder]")) e.placeholder = t(e.dataset.tPlaceholder);
  for (const b of document.querySelectorAll("#lang button")) b.setAttribute("aria-pressed", String(b.dataset.lang === page.lang));
  const names = t("weekdaysShort"), full = t("weekdays");
  $("calendar").tHead.rows[0].replaceChildren(...[1, 2, 3, 4, 5, 6, 0].map((i) => {
    const th = el("th", names[i]);
    th.title = full[i];
    return th;
  }));
}

// reasonText is a day's or slot's reason in words: the server's own for
// a holiday's name or an operator's closure, the page's for the reason
// it knows.
function reasonText(reason, date) {
  return reason === NO_HOLIDAY_DATA ? t("reasonNoHolidayData", { year: date.slice(0, 4) }) : reason;
}

// dayDetail is what a day's cell says beside its state: the seats left
// of a green day, a holiday's name, when a yellow day opens, or why not.
// long marks words a phone's narrow cell leaves to the day panel and the
// lists below the calendar.
function dayDetail(d, pool, zone) {
  if (d.state === "available" && d.pools && d.pools[pool]) return { text: t("left", { n: d.pools[pool].left }), long: false };
  if (d.state === "day-off") return null;
  if (d.reason) return { text: reasonText(d.reason, d.date), long: true };
  if (d.state === "not-opened" && d.opens) return { text: t("opensAt", { when: instantText(d.opens, zone, false) }), long: true };
  return null;
}

function drawMonth() {
  const m = page.monthView, office = officeOf(), pool = $("pool").value;
  if (!m || !office) return;
  const today = todayAt(office), thisMonth = today.slice(0, 7);
  $("month-title").textContent = `${t("months")[+m.month.slice(5, 7) - 1]} ${m.month.slice(0, 4)}`;
  const now = officeWall(office, serverNow());
  $("today-line").textContent = t("todayLine", { date: longDate(today), time: `${now.clock} ${office.zone_abbr}` });
  $("prev").disabled = page.month <= thisMonth;
  $("next").disabled = page.month >= addMonths(thisMonth, MONTHS_AHEAD);

  const body = $("calendar").tBodies[0];
  body.replaceChildren();
  let row = body.insertRow();
  for (let i = 0; i < (weekday(m.days[0].date) + 6) % 7; i++) row.insertCell().className = "blank";
  const holidays = [], uncovered = new Set();
  for (const d of m.days) {
    if (row.cells.length === 7) row = body.insertRow();
    const cell = row.insertCell();
    cell.className = `day ${d.colour} state-${d.state}`;
    cell.dataset.date = d.date;
    const b = el("button");
    b.type = "button";
    b.append(el("span", String(Number(d.date.slice(8))), "num"));
    if (d.date === today) {
      cell.classList.add("today");
      b.append(el("span", t("todayMark"), "today-mark"));
      b.setAttribute("aria-current", "date");
    }
    if (d.date === page.date) cell.classList.add("chosen");
    b.setAttribute("aria-pressed", String(d.date === page.date));
    b.append(el("span", t("state")[d.state] || d.state, "state"));
    const detail = dayDetail(d, pool, office.zone_abbr);
    if (detail) b.append(el("span", detail.text, detail.long ? "detail long" : "detail"));
    b.setAttribute("aria-label", `${longDate(d.date)}: ${t("state")[d.state] || d.state}${detail ? ", " + detail.text : ""}`);
    b.onclick = () => act(() => chooseDay(d.date), null, $("calendar"));
    cell.append(b);
    if (d.state === "holiday" && d.reason) holidays.push(d);
    if (d.reason === NO_HOLIDAY_DATA) uncovered.add(d.date.slice(0, 4));
  }
  while (row.cells.length < 7) row.insertCell().className = "blank";

  $("holidays").hidden = holidays.length === 0;
  $("holiday-list").replaceChildren(...holidays.map((d) => {
    const li = el("li");
    li.append(el("span", shortDate(d.date, false), "when"), " ", el("span", d.reason));
    return li;
  }));
  $("coverage").hidden = uncovered.size === 0;
  $("coverage").textContent = [...uncovered].map((year) => t("noHolidayData", { year })).join(" ");
}

// dayLine says in words what a day is: its state, and the seats left or
// why it cannot be booked.
function dayLine(d, pool, zone) {
  const words = [t("state")[d.state] || d.state];
  if (d.state === "available" && d.pools && d.pools[pool]) words.push(t("dayLeft", { n: d.pools[pool].left }));
  else if (d.state === "day-off") words.push(t("reasonDayOff"));
  else if (d.reason) words.push(reasonText(d.reason, d.date));
  else if (d.state === "not-opened" && d.opens) words.push(t("opensAt", { when: instantText(d.opens, zone) }));
  return words.join(" — ");
}

// inDrawWindow reports whether a day's release is being drawn now: holds
// that arrive between its opens and its draw_closes are admitted in a
// random order once the window closes.
function inDrawWindow(d) {
  const opens = parseInstant(d && d.opens), closes = parseInstant(d && d.draw_closes), now = serverNow();
  return !!(opens && closes && opens.ms <= now && now < closes.ms);
}

function drawDay() {
  const d = page.dayView, office = officeOf(), pool = $("pool").value;
  $("day-hint").hidden = !!d;
  $("day-body").hidden = !d;
  page.drawShown = inDrawWindow(d);
  $("day-draw").hidden = !page.drawShown;
  // The move's notice is above the calendar, where the new day is picked.
  $("moving").hidden = !page.moving;
  if (page.moving) $("moving").textContent = t("moving", { code: page.moving.code });
  drawChoice();
  if (!d || !office) return;
  const zone = office.zone_abbr;
  $("day-title").textContent = longDate(d.date);
  $("day-state").textContent = dayLine(d, pool, zone);
  $("day-state").className = `day-state ${d.colour}`;
  if (page.drawShown) $("day-draw").textContent = t("drawCollecting", { time: `${parseInstant(d.draw_closes).clock} ${zone}` });
  $("slots").replaceChildren(...(d.slots || []).map((s) => {
    const li = el("li", undefined, `slot ${s.colour}`);
    li.dataset.slot = s.slot;
    if (page.slot && page.slot.slot === s.slot) li.classList.add("chosen");
    li.append(el("span", `${s.time} ${zone}`, "time"), el("span", t("state")[s.state] || s.state, "state"));
    const seats = s.pools && s.pools[pool];
    // Seats mean something only where the state is about seats; a
    // slot's reason is an operator's closure (the day's own reason is in
    // the line above).
    const aboutSeats = seats && (s.state === "available" || s.state === "full");
    li.append(aboutSeats
      ? el("span", t("leftOf", { n: seats.left, cap: seats.capacity }), "seats count")
      : el("span", s.reason && s.reason !== d.reason ? reasonText(s.reason, d.date) : "", "seats"));
    if (s.colour === "green") {
      const b = el("button", page.slot && page.slot.slot === s.slot ? t("chosenSlot") : t("choose"));
      b.type = "button";
      b.onclick = () => chooseSlot(s);
      li.append(b);
    }
    return li;
  }));
}

// drawChoice shows the form for the chosen slot: a new hold, or the move
// of the booking being rescheduled.
function drawChoice() {
  const zone = zoneOf(), chosen = page.slot && page.dayView;
  $("hold").hidden = !chosen || !!page.moving;
  $("move").hidden = !chosen || !page.moving;
  if (!chosen) return;
  const when = { date: shortDate(page.dayView.date), time: `${page.slot.time} ${zone}` };
  $("hold-title").textContent = t("holdTitle", when);
  // While a hold waits in a draw, the form says when the answer comes.
  const waiting = page.holding && inDrawWindow(page.dayView);
  $("hold-draw").hidden = !waiting;
  if (waiting) $("hold-draw").textContent = t("drawWait", { time: `${parseInstant(page.dayView.draw_closes).clock} ${zone}` });
  if (page.moving) $("move-title").textContent = t("moveTitle", { code: page.moving.code, ...when });
}

function drawResult() {
  const b = page.booking;
  $("result").hidden = !b;
  if (!b) return;
  const zone = zoneOf(b.office), office = officeOf(b.office), now = serverNow();
  $("result-heading").textContent = t("heading")[b.state] || b.state;
  $("state").textContent = t("bookingState")[b.state] || b.state;
  $("result").className = `panel state-${b.state}`;
  $("code").textContent = b.code;
  $("billing").textContent = b.billing_code;
  $("result-office").textContent = office ? office.name : b.office;
  $("arrival").textContent = `${longDate(b.date)}, ${b.slot_time} ${zone} (${b.pool})`;
  $("applicants").textContent = b.applicants.map((a) => a.nik).join(", ");
  const held = b.state === "held", paid = b.state === "paid";
  $("payby-label").hidden = $("payby").hidden = !held;
  $("payby").textContent = instantText(b.pay_by, zone);
  $("cancelby").textContent = instantText(b.cancel_by, zone);
  $("rescheduleby").textContent = instantText(b.reschedule_by, zone);
  const closes = parseInstant(b.check_in_closes);
  $("checkin").textContent = `${instantText(b.check_in_opens, zone)} ${t("rangeSep")} ${closes ? closes.clock : ""} ${zone}`;
  $("arrive-early").hidden = !paid;
  const drawn = page.draw && page.draw.code === b.code;
  $("draw-result").hidden = !drawn;
  if (drawn) $("draw-result").textContent = t("drawPlace", { place: page.draw.place, n: page.draw.n || "?" });
  // The queue number is the ticket the office calls out; it means
  // something only while the applicants are expected or there.
  const expected = paid || b.state === "checked-in";
  $("ticket").hidden = !expected || !b.queue;
  $("queue").textContent = b.queue || "";
  $("ticket-when").textContent = `${shortDate(b.date)}, ${b.slot_time} ${zone}`;
  $("ready-label").hidden = $("ready-on").hidden = !b.ready_on;
  $("ready-on").textContent = b.ready_on ? weekdayDate(b.ready_on) : "";
  drawProof();
  if (expected && !(page.proof && page.proof.key === proofKey(b))) {
    loadProof(b).catch((err) => showError(err, $("proof")));
  }
  // Payments come from the payment channel, never from this page: the
  // service may name a page of the channel's (config.pay_url) to send
  // the billing code to; then the booking is read again.
  $("pay").hidden = !held || !page.config.pay_url;
  $("pay-elsewhere").hidden = !held || !!page.config.pay_url;
  const before = (s) => { const i = parseInstant(s); return i && now < i.ms; };
  const checkInOpen = paid && !before(b.check_in_opens) && before(b.check_in_closes);
  $("checkin-go").hidden = !checkInOpen;
  const movesLeft = b.reschedules < (page.config.reschedules_max ?? 1);
  $("reschedule").hidden = !paid || !movesLeft || !before(b.reschedule_by) || !!page.moving;
  const cancellable = (held || paid) && before(b.cancel_by);
  $("cancel").hidden = !cancellable || page.confirmCancel;
  $("cancel-confirm").hidden = !cancellable || !page.confirmCancel;
  tick();
}

// proofKey names the proof a booking needs: a reschedule changes the
// slot and the queue number a proof carries.
function proofKey(b) { return `${b.code} ${b.date} ${b.slot} ${b.queue}`; }

// loadProof reads the proof of booking b, and its image when the service
// draws one. The image is fetched rather than linked, so that it carries
// the account header as every call does, and shown from a blob: URL.
async function loadProof(b) {
  const old = page.proof, proof = { key: proofKey(b), token: "", url: "" };
  page.proof = proof;
  if (old && old.url) URL.revokeObjectURL(old.url);
  const path = `bookings/${encodeURIComponent(b.code)}/proof`;
  proof.token = (await api("GET", path)).token;
  if (page.config.proof_image) proof.url = URL.createObjectURL(await api("GET", `${path}/image`, null, true));
  if (page.proof !== proof) {
    if (proof.url) URL.revokeObjectURL(proof.url); // another booking's, by now
    return;
  }
  drawProof();
}

// drawProof shows the proof of the booking shown, once it is read: the QR
// code, or the token to copy when the service draws no image.
function drawProof() {
  const b = page.booking, show = !!b && (b.state === "paid" || b.state === "checked-in");
  $("proof").hidden = !show;
  if (!show) return;
  const p = page.proof && page.proof.key === proofKey(b) ? page.proof : null, image = !!page.config.proof_image;
  $("proof-hint").textContent = t(image ? "proofHintImage" : "proofHintText");
  $("proof-img").hidden = !image || !p || !p.url;
  $("proof-img").alt = t("proofAlt", { code: b.code });
  if (p && p.url && $("proof-img").getAttribute("src") !== p.url) $("proof-img").src = p.url;
  $("proof-text").hidden = image || !p || !p.token;
  $("proof-token").value = p ? p.token : "";
}

async function copyProof() {
  $("proof-token").select();
  try {
    await navigator.clipboard.writeText($("proof-token").value);
  } catch {
    document.execCommand("copy"); // not on https or localhost: the old way, on the selection
  }
  $("proof-copy").textContent = t("copied");
}

// tick updates the payment countdown from the server's clock, once a
// second, and the day panel when a draw's window opens or closes. When
// the deadline passes, the page reads the booking and every panel again,
// once: the seats came back.
function tick() {
  if (page.dayView && inDrawWindow(page.dayView) !== page.drawShown) drawDay();
  const b = page.booking, box = $("countdown");
  if (!b || b.state !== "held") { box.hidden = true; return; }
  const due = parseInstant(b.pay_by), left = due ? due.ms - serverNow() : 0;
  box.hidden = false;
  if (left > 0) {
    const s = Math.floor(left / 1000);
    const hms = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    box.textContent = t("countdown", { time: hms });
    return;
  }
  box.textContent = t("countdownOver");
  if (page.lapsed !== b.code) {
    page.lapsed = b.code;
    act(() => openBooking(b.code, false), null, $("countdown"));
  }
}

function drawMine() {
  $("mine-note").textContent = page.mineNote ? t(page.mineNote) : "";
  $("mine-note").hidden = !page.mineNote;
  $("bookings").replaceChildren(...(page.bookings || []).slice().reverse().map((b) => {
    const li = el("li", undefined, `state-${b.state}`);
    li.dataset.code = b.code;
    const zone = zoneOf(b.office);
    li.append(el("span", b.code, "mono"), el("span", `${shortDate(b.date)}, ${b.slot_time} ${zone}`), el("span", t("bookingState")[b.state] || b.state, "state"));
    const open = el("button", t("open"));
    open.type = "button";
    open.onclick = () => act(() => openBooking(b.code, true), open, $("bookings"));
    li.append(open);
    return li;
  }));
}

// ---- actions ----

async function chooseDay(date) {
  page.date = date;
  page.slot = null;
  await loadDay();
  drawMonth();
  reveal($("day"));
}

function chooseSlot(slot) {
  // One idempotency key per chosen slot: a double click, or a retry after
  // a lost response, gets the same booking back instead of a second hold.
  // (getRandomValues, not randomUUID: the latter exists only on https or
  // localhost, and a service may serve the page on a LAN address.)
  page.holdKey = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  page.slot = { slot: slot.slot, time: slot.time }; // the API names a slot by its start
  drawDay();
  const form = page.moving ? $("move") : $("hold");
  form.scrollIntoView({ block: "nearest" });
  if (!page.moving) $("niks").focus({ preventScroll: true });
}

// settle shows a booking an action returned, after every panel is read
// again, and brings it into view.
async function settle(b) {
  page.booking = b;
  page.confirmCancel = false;
  await refresh();
  reveal($("result"));
}

async function hold() {
  const niks = $("niks").value.split(/[\s,]+/).filter(Boolean);
  page.holding = true;
  drawChoice();
  const b = await api("POST", "holds", {
    office: $("office").value,
    date: page.dayView.date,
    slot: page.slot.slot,
    pool: $("pool").value,
    applicants: niks.map((nik) => ({ nik })),
    idempotency_key: page.holdKey,
  }).finally(() => { page.holding = false; drawChoice(); });
  page.draw = b.draw_place ? { code: b.code, place: b.draw_place, n: b.draw_entrants } : null;
  page.slot = null;
  $("niks").value = "";
  await settle(b);
}

async function pay() {
  const b = page.booking;
  await api("POST", page.config.pay_url, { billing_code: b.billing_code });
  await settle(await api("GET", `bookings/${encodeURIComponent(b.code)}`));
}

async function cancel() {
  await settle(await api("POST", `bookings/${encodeURIComponent(page.booking.code)}/cancel`));
}

async function checkIn() {
  await settle(await api("POST", `bookings/${encodeURIComponent(page.booking.code)}/checkin`));
}

// startMove asks for the new day and slot of the booking shown, on its
// office's calendar in its pool: a booking moves within them.
async function startMove() {
  const b = page.booking;
  page.moving = b;
  page.slot = null;
  if ($("office").value !== b.office || $("pool").value !== b.pool) {
    $("office").value = b.office;
    fillPools();
    $("pool").value = b.pool;
    page.date = "";
    page.dayView = null;
    page.month = b.date.slice(0, 7);
    await loadMonth();
  }
  drawDay();
  drawResult();
  reveal($("cal-panel"));
}

async function move() {
  const b = await api("POST", `bookings/${encodeURIComponent(page.moving.code)}/reschedule`, { date: page.dayView.date, slot: page.slot.slot });
  page.moving = null;
  page.slot = null;
  await settle(b);
}

function stopMove() {
  page.moving = null;
  page.slot = null;
  drawDay();
  drawResult();
}

async function openBooking(code, show) {
  page.booking = await api("GET", `bookings/${encodeURIComponent(code)}`);
  page.confirmCancel = false;
  await refresh();
  if (show) reveal($("result"));
}

async function goToMonth(month) {
  page.month = month;
  await loadMonth();
}

function setLang(lang) {
  page.lang = STRINGS[lang] ? lang : "id";
  try { localStorage.setItem(LANG_KEY, page.lang); } catch { /* storage off: the choice lasts this visit */ }
  drawAll();
}

function fillPools() {
  $("pool").replaceChildren(...officeOf().pools.map((p) => el("option", p)));
}

async function changeOffice() {
  page.moving = null; // a booking moves within its office
  fillPools();
  page.date = "";
  page.dayView = null;
  page.slot = null;
  page.month = todayAt(officeOf()).slice(0, 7);
  await loadMonth();
  drawDay();
  drawResult();
}

async function start() {
  page.config = await api("GET", "web/config.json");
  const now = parseInstant(page.config.now);
  page.serverMs = now ? now.ms : Date.now();
  page.perfAt = performance.now();
  $("account-label").hidden = !page.config.account_header;
  page.offices = (await api("GET", "offices")).offices;
  $("office").replaceChildren(...page.offices.map((o) => {
    const opt = el("option", `${o.name} (${o.zone_abbr})`);
    opt.value = o.code;
    return opt;
  }));
  fillPools();
  page.month = todayAt(officeOf()).slice(0, 7);
  drawStatic();
  await Promise.all([loadMonth(), loadMine()]);
  drawDay();
}

function wire() {
  let lang = "";
  try { lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem(LANG_KEY) || ""; } catch { /* no storage */ }
  page.lang = STRINGS[lang] ? lang : "id";
  drawStatic();
  for (const b of document.querySelectorAll("#lang button")) b.onclick = () => setLang(b.dataset.lang);
  $("account").onchange = () => act(async () => { page.booking = null; page.moving = null; await loadMine(); drawResult(); });
  $("office").onchange = () => act(changeOffice);
  $("pool").onchange = () => act(async () => {
    page.slot = null;
    page.moving = null; // a booking moves within its pool
    await Promise.all([loadMonth(), loadDay()]);
    drawResult();
  });
  const nav = $("today-line");
  // Not disabled while loading, as other buttons are: drawMonth decides
  // whether there is a month to go to.
  $("prev").onclick = () => act(() => goToMonth(addMonths(page.month, -1)), null, nav);
  $("next").onclick = () => act(() => goToMonth(addMonths(page.month, 1)), null, nav);
  $("to-today").onclick = () => act(() => goToMonth(todayAt(officeOf()).slice(0, 7)), null, nav);
  $("hold").onsubmit = (ev) => { ev.preventDefault(); act(hold, $("hold").querySelector("button"), $("hold")); };
  $("pay").onclick = () => act(pay, $("pay"));
  $("checkin-go").onclick = () => act(checkIn, $("checkin-go"));
  $("reschedule").onclick = () => act(startMove, $("reschedule"));
  $("move-go").onclick = () => act(move, $("move-go"), $("move"));
  $("move-stop").onclick = stopMove;
  $("cancel").onclick = () => { page.confirmCancel = true; drawResult(); $("cancel-yes").focus(); };
  $("cancel-no").onclick = () => { page.confirmCancel = false; drawResult(); };
  $("cancel-yes").onclick = () => act(cancel, $("cancel-yes"));
  $("error-close").onclick = hideError;
  $("proof-copy").onclick = () => act(copyProof, $("proof-copy"), $("proof"));
  setInterval(tick, 1000);
  act(start);
}

wire();
